"""Sales settings: the shared ones plus how long a quotation's share link stays valid."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from servicekit.config import Settings, env_int


@dataclass
class SalesSettings(Settings):
    """Settings of the sales service."""

    quotation_link_days: int = 14

    @classmethod
    def load_extra(cls) -> dict[str, Any]:
        days = env_int("QUOTATION_LINK_DAYS", cls.quotation_link_days)
        if days < 1:
            raise RuntimeError(f"environment variable QUOTATION_LINK_DAYS must be at least 1, got {days}")
        return {"quotation_link_days": days}


def current_settings() -> SalesSettings:
    """The settings of the app serving the current request."""
    return current_app.extensions["servicekit.settings"]
