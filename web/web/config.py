"""Web settings: the shared ones plus where the gateway is, the cookie key, languages and front-end assets."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servicekit.config import Settings, env_float, env_int, env_str

LOCALES = ("en", "fr")
PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # web/ in the repository: package.json, node_modules


def _secret_key(var_dir: Path) -> str:
    """WEB_SECRET_KEY, else one generated once and kept under VAR_DIR (local runs; production sets the variable)."""
    configured = env_str("WEB_SECRET_KEY")
    if configured:
        return configured
    path = var_dir / "keys" / "web-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        temporary.chmod(0o600)
        temporary.replace(path)
    return path.read_text(encoding="utf-8").strip()


@dataclass
class WebSettings(Settings):
    """Settings of the web component (it has a database of its own for sessions and talks only to the gateway)."""

    gateway_url: str = "http://127.0.0.1:8080"
    gateway_timeout: float = 20.0  # above the gateway's own upstream timeout, so its 504 reaches us
    gateway_connect_timeout: float = 2.0
    secret_key: str = field(default="", repr=False)
    center_locale: str = "en"
    session_idle_hours: int = 12
    assets_dir: Path = PACKAGE_ROOT / "node_modules"

    @property
    def secure_cookies(self) -> bool:
        """Served over HTTPS: `Secure` cookies with the `__Host-` prefix."""
        return self.public_base_url.startswith("https://")

    @classmethod
    def load_extra(cls) -> dict[str, Any]:
        """GATEWAY_URL, GATEWAY_TIMEOUT, WEB_SECRET_KEY, CENTER_LOCALE, SESSION_IDLE_HOURS, WEB_ASSETS_DIR."""
        locale = (env_str("CENTER_LOCALE", cls.center_locale) or "en").lower()
        if locale not in LOCALES:
            raise RuntimeError(f"CENTER_LOCALE must be one of {', '.join(LOCALES)}, got {locale!r}")
        var_dir = Path(env_str("VAR_DIR", "var")).resolve()
        return {
            "gateway_url": (env_str("GATEWAY_URL", cls.gateway_url) or cls.gateway_url).rstrip("/"),
            "gateway_timeout": env_float("GATEWAY_TIMEOUT", cls.gateway_timeout),
            "secret_key": _secret_key(var_dir),
            "center_locale": locale,
            "session_idle_hours": env_int("SESSION_IDLE_HOURS", cls.session_idle_hours),
            "assets_dir": Path(env_str("WEB_ASSETS_DIR", str(cls.assets_dir))).resolve(),
        }
