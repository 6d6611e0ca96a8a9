"""Settings from environment variables (12-factor). Each service extends `Settings`."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from servicekit.addresses import DEFAULT_TRUSTED_PROXIES, parse_networks
from servicekit.auth import MAX_ACCESS_LIFETIME


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise RuntimeError(f"environment variable {name} must be an integer, got {value!r}") from exc


def env_float(name: str, default: float) -> float:
    value = env_str(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise RuntimeError(f"environment variable {name} must be a number, got {value!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_port(name: str) -> int | None:
    """A TCP port (1-65535), or None when the variable is unset."""
    if env_str(name) is None:
        return None
    port = env_int(name, 0)
    if not 1 <= port <= 65535:
        raise RuntimeError(f"environment variable {name} must be a port from 1 to 65535, got {port}")
    return port


def default_database_url(service: str) -> str:
    """`<SERVICE>_DATABASE_URL`, else `DATABASE_URL_BASE` + `therapy_<service>`, else SQLite under VAR_DIR."""
    explicit = env_str(f"{service.upper()}_DATABASE_URL")
    if explicit:
        return explicit
    base = env_str("DATABASE_URL_BASE")
    if base:
        return base.rstrip("/") + f"/therapy_{service}"
    var_dir = Path(env_str("VAR_DIR", "var")).resolve()
    return f"sqlite:///{var_dir / (service + '.db')}"


def read_key(inline_var: str, file_var: str) -> str | None:
    """A PEM key given inline or as a file path."""
    inline = env_str(inline_var)
    if inline:
        return inline.replace("\\n", "\n")
    path = env_str(file_var)
    if path:
        return Path(path).read_text()
    return None


@dataclass
class Settings:
    """Settings every service has. Subclasses add fields and override `load_extra`."""

    service: str
    database_url: str
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    amqp_namespace: str = ""
    amqp_prefetch: int = 20
    amqp_heartbeat: int = 30
    max_delivery_attempts: int = 5
    relay_poll_interval: float = 0.05
    jwt_public_key: str | None = None
    jwt_issuer: str = "therapy-gateway"
    jwt_audience: str = "therapy-api"
    access_token_max_ttl: int = MAX_ACCESS_LIFETIME  # every service refuses access tokens meant to live longer
    link_sealing_public_key: str | None = None  # personal links put in events are sealed to it (servicekit.sealing)
    center_name: str = "Sunny Steps Therapy Center"
    center_timezone: str = "Europe/Paris"
    currency: str = "EUR"
    public_base_url: str = "http://127.0.0.1:8080"
    log_level: str = "INFO"
    log_format: str = "json"
    db_pool_size: int = 5
    db_connect_timeout: int = 3
    health_port: int | None = None  # consumer, relay, dispatcher: serve /healthz and /readyz here when set
    health_host: str = "127.0.0.1"  # HOST, as for gunicorn
    # Proxies whose X-Forwarded-For entries are believed (servicekit.addresses): the ingress, gateway and web.
    trusted_proxies: tuple[Any, ...] = field(default_factory=lambda: parse_networks(DEFAULT_TRUSTED_PROXIES))
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, service: str, **overrides: Any) -> "Settings":
        """Read every common setting from the environment; keyword overrides win (tests)."""
        values: dict[str, Any] = dict(
            service=service,
            database_url=default_database_url(service),
            amqp_url=env_str("AMQP_URL", cls.amqp_url),
            amqp_namespace=env_str("AMQP_NAMESPACE", ""),
            amqp_prefetch=env_int("AMQP_PREFETCH", cls.amqp_prefetch),
            amqp_heartbeat=env_int("AMQP_HEARTBEAT", cls.amqp_heartbeat),
            max_delivery_attempts=env_int("MAX_DELIVERY_ATTEMPTS", cls.max_delivery_attempts),
            relay_poll_interval=env_float("RELAY_POLL_INTERVAL", cls.relay_poll_interval),
            jwt_public_key=read_key("JWT_PUBLIC_KEY", "JWT_PUBLIC_KEY_FILE"),
            jwt_issuer=env_str("JWT_ISSUER", cls.jwt_issuer),
            jwt_audience=env_str("JWT_AUDIENCE", cls.jwt_audience),
            access_token_max_ttl=env_int("ACCESS_TOKEN_MAX_TTL", cls.access_token_max_ttl),
            link_sealing_public_key=read_key("LINK_SEALING_PUBLIC_KEY", "LINK_SEALING_PUBLIC_KEY_FILE"),
            center_name=env_str("CENTER_NAME", cls.center_name),
            center_timezone=env_str("CENTER_TIMEZONE", cls.center_timezone),
            currency=env_str("CURRENCY", cls.currency),
            public_base_url=env_str("PUBLIC_BASE_URL", cls.public_base_url).rstrip("/"),
            log_level=env_str("LOG_LEVEL", cls.log_level),
            log_format=env_str("LOG_FORMAT", cls.log_format),
            db_pool_size=env_int("DB_POOL_SIZE", cls.db_pool_size),
            db_connect_timeout=env_int("DB_CONNECT_TIMEOUT", cls.db_connect_timeout),
            health_port=env_port("HEALTH_PORT"),
            health_host=env_str("HOST", cls.health_host),
            trusted_proxies=parse_networks(env_str("TRUSTED_PROXIES", DEFAULT_TRUSTED_PROXIES) or ""),
        )
        values.update(cls.load_extra())
        known = {f.name for f in fields(cls)}
        values.update({k: v for k, v in overrides.items() if k in known})
        return cls(**values)

    @classmethod
    def load_extra(cls) -> dict[str, Any]:
        """Service-specific settings; subclasses override."""
        return {}
