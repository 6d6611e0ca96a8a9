"""Gateway settings: the signing key, token lifetimes, the first admin and where each service lives."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from servicekit.auth import ADMIN, BILLER, ORG_ADMIN, ROLES
from servicekit.config import Settings, env_float, env_int, env_str, read_key

from gateway.keys import public_key_of

SERVICES = ("booking", "crm", "sales", "tasks", "billing", "notifications")


@dataclass
class GatewaySettings(Settings):
    """Settings of the gateway (the only process holding the private signing key)."""

    jwt_private_key: str | None = field(default=None, repr=False)  # never in a log line
    access_token_ttl: int = 900
    refresh_token_ttl: int = 30 * 24 * 3600
    admin_email: str | None = None
    admin_password: str | None = field(default=None, repr=False)
    center_language: str = "en"  # the centre's language until an org_admin sets it (CENTER_LOCALE)
    booking_url: str = "http://127.0.0.1:8101"
    crm_url: str = "http://127.0.0.1:8102"
    sales_url: str = "http://127.0.0.1:8103"
    tasks_url: str = "http://127.0.0.1:8104"
    billing_url: str = "http://127.0.0.1:8105"
    notifications_url: str = "http://127.0.0.1:8106"
    web_url: str = "http://127.0.0.1:8090"  # the pages: everything that is not the API (one origin)
    upstream_timeout: float = 15.0
    upstream_connect_timeout: float = 2.0
    revocation_refresh_seconds: float = 1.0  # how soon a logout in another gateway process takes effect here
    public_write_limit: int = 20  # anonymous writes (public booking, wait list, signing by link) per address per
    # 10 minutes; 0: no limit (load tests)
    audit_retention_years: int = 6  # the audit log keeps this many years (HIPAA keeps such records six years)
    # Roles that must sign in with a second factor (TOTP); the others may turn it on. Empty: nobody must.
    two_factor_required_roles: frozenset[str] = frozenset({ORG_ADMIN, ADMIN, BILLER})

    def __post_init__(self) -> None:
        if self.audit_retention_years < 1:
            raise ValueError(f"AUDIT_RETENTION_YEARS must be at least 1 (got {self.audit_retention_years})")
        if self.access_token_ttl > self.access_token_max_ttl:
            raise ValueError(f"ACCESS_TOKEN_TTL ({self.access_token_ttl}) is above ACCESS_TOKEN_MAX_TTL "
                             f"({self.access_token_max_ttl}): every service would refuse the tokens")
        # The gateway checks its own tokens too: without JWT_PUBLIC_KEY it uses its private key's public half.
        if self.jwt_private_key and not self.jwt_public_key:
            self.jwt_public_key = public_key_of(self.jwt_private_key)
        unknown = set(self.two_factor_required_roles) - set(ROLES)
        if unknown:
            raise ValueError(f"TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown))}")

    @classmethod
    def load_extra(cls) -> dict[str, Any]:
        values: dict[str, Any] = {
            "jwt_private_key": read_key("JWT_PRIVATE_KEY", "JWT_PRIVATE_KEY_FILE"),
            "access_token_ttl": env_int("ACCESS_TOKEN_TTL", cls.access_token_ttl),
            "refresh_token_ttl": env_int("REFRESH_TOKEN_TTL", cls.refresh_token_ttl),
            "admin_email": env_str("ADMIN_EMAIL"),
            "admin_password": env_str("ADMIN_PASSWORD"),
            "center_language": (env_str("CENTER_LOCALE", cls.center_language) or "en").lower(),
            "upstream_timeout": env_float("UPSTREAM_TIMEOUT", cls.upstream_timeout),
            "upstream_connect_timeout": env_float("UPSTREAM_CONNECT_TIMEOUT", cls.upstream_connect_timeout),
            "public_write_limit": max(0, env_int("PUBLIC_WRITE_LIMIT", cls.public_write_limit)),
            "audit_retention_years": env_int("AUDIT_RETENTION_YEARS", cls.audit_retention_years),
            "revocation_refresh_seconds": max(0.0, env_float("REVOCATION_REFRESH_SECONDS",
                                                             cls.revocation_refresh_seconds)),
        }
        # Set but empty means "nobody" (test and load stacks), so env_str (which reads "" as unset) is not used.
        roles = os.environ.get("TWO_FACTOR_REQUIRED_ROLES")
        if roles is not None:
            values["two_factor_required_roles"] = frozenset(r.strip() for r in roles.split(",") if r.strip())
        for service in (*SERVICES, "web"):
            default = getattr(cls, f"{service}_url")
            values[f"{service}_url"] = env_str(f"{service.upper()}_URL", default).rstrip("/")
        return values

    def upstream_url(self, service: str) -> str:
        """Base URL of one of the six services, or of web."""
        return getattr(self, f"{service}_url").rstrip("/")


def current_settings() -> GatewaySettings:
    """The settings of the app handling the current request."""
    return current_app.extensions["servicekit.settings"]
