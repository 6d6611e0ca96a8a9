"""Booking settings: the shared ones (the center's time zone among them) plus the wait-list hold."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from servicekit.config import Settings, env_int, env_str


@dataclass
class BookingSettings(Settings):
    """Settings of the booking service."""

    waitlist_hold_minutes: int = 120

    @classmethod
    def load_extra(cls) -> dict[str, Any]:
        minutes = env_int("WAITLIST_HOLD_MINUTES", cls.waitlist_hold_minutes)
        if minutes < 1:
            raise RuntimeError(f"environment variable WAITLIST_HOLD_MINUTES must be at least 1, got {minutes}")
        return {"waitlist_hold_minutes": minutes}

    @property
    def zone(self) -> ZoneInfo:
        """The center's time zone, in which working hours and slots are expressed."""
        return ZoneInfo(self.center_timezone)


def current_settings() -> BookingSettings:
    """The settings of the app serving the current request."""
    return current_app.extensions["servicekit.settings"]


def center_zone() -> ZoneInfo:
    """The running app's center time zone (views and schemas call this inside a request)."""
    return ZoneInfo(current_app.extensions["servicekit.settings"].center_timezone)


def environment_zone() -> ZoneInfo:
    """The center's zone outside a request (event handlers): CENTER_TIMEZONE, as the settings read it."""
    return ZoneInfo(env_str("CENTER_TIMEZONE", Settings.center_timezone))
