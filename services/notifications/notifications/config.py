"""Notification settings: the shared ones plus SMTP, the SMS provider, reminders, links and document fetches."""
from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from servicekit.config import Settings, env_float, env_int, env_str, read_key

SMTP_SECURITY = ("none", "starttls", "ssl")
SMS_PROVIDERS = ("file", "twilio")
CHANNELS = ("email", "sms")
MIN_LEAD_HOURS, MAX_LEAD_HOURS = 2, 72


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    value = value.lower()
    if value not in allowed:
        raise RuntimeError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _address(name: str, value: str) -> str:
    if "@" not in parseaddr(value)[1]:
        raise RuntimeError(f"{name} must be an e-mail address such as 'Name <x@domain>', got {value!r}")
    return value


def _default_lead() -> int | None:
    raw = env_str("REMINDER_DEFAULT_LEAD_HOURS")
    if raw is None:
        return None  # reminders stay off until a family (or the front desk) chooses a lead time
    hours = env_int("REMINDER_DEFAULT_LEAD_HOURS", 0)
    if not MIN_LEAD_HOURS <= hours <= MAX_LEAD_HOURS:
        raise RuntimeError(f"REMINDER_DEFAULT_LEAD_HOURS must be {MIN_LEAD_HOURS} to {MAX_LEAD_HOURS}, got {hours}")
    return hours


def _default_channels() -> tuple[str, ...]:
    raw = env_str("REMINDER_DEFAULT_CHANNELS", "email") or "email"
    channels = tuple(dict.fromkeys(c.strip().lower() for c in raw.split(",") if c.strip()))
    if not channels or set(channels) - set(CHANNELS):
        raise RuntimeError(f"REMINDER_DEFAULT_CHANNELS must list email and/or sms, got {raw!r}")
    return channels


@dataclass
class NotificationsSettings(Settings):
    """Settings of the notifications service."""

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_security: str = "none"
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_timeout: float = 10.0
    mail_from: str = "Sunny Steps Therapy Center <no-reply@sunnysteps.example>"
    max_send_attempts: int = 8
    notify_poll_interval: float = 0.2
    sms_provider: str = "file"
    sms_api_url: str = "https://api.twilio.com"
    sms_account_sid: str | None = None
    sms_auth_token: str | None = field(default=None, repr=False)
    sms_from: str | None = None
    sms_default_region: str = "FR"
    sms_timeout: float = 10.0
    var_dir: Path = Path("var")
    dispatch_journal_dir: Path | None = None  # default: VAR_DIR/dispatch-journal
    reminder_default_lead_hours: int | None = None
    reminder_default_channels: tuple[str, ...] = ("email",)
    notify_link_secret: str | None = field(default=None, repr=False)
    link_sealing_private_key: str | None = field(default=None, repr=False)  # opens the links events carry sealed
    front_desk_email: str = "frontdesk@sunnysteps.example"
    sales_url: str = "http://127.0.0.1:8103"
    billing_url: str = "http://127.0.0.1:8105"
    fetch_timeout: float = 15.0

    @property
    def journal_dir(self) -> Path:
        """Where the dispatcher journals accepted sends until they are recorded: a disk that outlives the process."""
        return self.dispatch_journal_dir or self.var_dir / "dispatch-journal"

    @classmethod
    def load_extra(cls) -> dict[str, Any]:
        """SMTP_*, MAIL_FROM, SMS_*, REMINDER_*, NOTIFY_*, FRONT_DESK_EMAIL, SALES_URL, BILLING_URL, VAR_DIR,
        DISPATCH_JOURNAL_DIR."""
        return {**_smtp_settings(cls), **_sms_settings(cls), **_other_settings(cls)}


def _smtp_settings(cls: type[NotificationsSettings]) -> dict[str, Any]:
    return {
        "smtp_host": env_str("SMTP_HOST", cls.smtp_host),
        "smtp_port": env_int("SMTP_PORT", cls.smtp_port),
        "smtp_security": _choice("SMTP_SECURITY", env_str("SMTP_SECURITY", cls.smtp_security) or "none",
                                 SMTP_SECURITY),
        "smtp_username": env_str("SMTP_USERNAME"),
        "smtp_password": env_str("SMTP_PASSWORD"),
        "smtp_timeout": env_float("SMTP_TIMEOUT", cls.smtp_timeout),
        "mail_from": _address("MAIL_FROM", env_str("MAIL_FROM", cls.mail_from)),
        "max_send_attempts": max(1, env_int("MAX_SEND_ATTEMPTS", cls.max_send_attempts)),
        "notify_poll_interval": env_float("NOTIFY_POLL_INTERVAL", cls.notify_poll_interval),
    }


def _sms_settings(cls: type[NotificationsSettings]) -> dict[str, Any]:
    provider = _choice("SMS_PROVIDER", env_str("SMS_PROVIDER", cls.sms_provider) or "file", SMS_PROVIDERS)
    values = {
        "sms_provider": provider,
        "sms_api_url": (env_str("SMS_API_URL", cls.sms_api_url) or cls.sms_api_url).rstrip("/"),
        "sms_account_sid": env_str("SMS_ACCOUNT_SID"),
        "sms_auth_token": env_str("SMS_AUTH_TOKEN"),
        "sms_from": env_str("SMS_FROM"),
        "sms_default_region": (env_str("SMS_DEFAULT_REGION", cls.sms_default_region) or "FR").upper(),
        "sms_timeout": env_float("SMS_TIMEOUT", cls.sms_timeout),
    }
    if provider == "twilio":
        missing = [name for name, key in (("SMS_ACCOUNT_SID", "sms_account_sid"), ("SMS_AUTH_TOKEN", "sms_auth_token"),
                                          ("SMS_FROM", "sms_from")) if not values[key]]
        if missing:
            raise RuntimeError(f"SMS_PROVIDER=twilio needs {', '.join(missing)}")
    return values


def _other_settings(cls: type[NotificationsSettings]) -> dict[str, Any]:
    timezone = env_str("CENTER_TIMEZONE", cls.center_timezone)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuntimeError(f"CENTER_TIMEZONE must be an IANA time zone, got {timezone!r}") from exc
    journal = env_str("DISPATCH_JOURNAL_DIR")
    return {
        "var_dir": Path(env_str("VAR_DIR", "var")).resolve(),
        "dispatch_journal_dir": Path(journal).resolve() if journal else None,
        "reminder_default_lead_hours": _default_lead(),
        "reminder_default_channels": _default_channels(),
        "notify_link_secret": env_str("NOTIFY_LINK_SECRET"),
        "link_sealing_private_key": read_key("LINK_SEALING_PRIVATE_KEY", "LINK_SEALING_PRIVATE_KEY_FILE"),
        "front_desk_email": _address("FRONT_DESK_EMAIL", env_str("FRONT_DESK_EMAIL", cls.front_desk_email)),
        "sales_url": env_str("SALES_URL", cls.sales_url).rstrip("/"),
        "billing_url": env_str("BILLING_URL", cls.billing_url).rstrip("/"),
        "fetch_timeout": env_float("FETCH_TIMEOUT", cls.fetch_timeout),
    }
