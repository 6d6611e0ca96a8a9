"""Billing settings: the shared ones plus how long an invoice's share link stays valid."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.config import Settings, env_int


@dataclass
class BillingSettings(Settings):
    """Settings of the billing service."""

    invoice_link_days: int = 60

    @classmethod
    def load_extra(cls) -> dict[str, Any]:
        """INVOICE_LINK_DAYS: days an invoice's PDF link (e-mailed with invoice.issued) keeps working."""
        days = env_int("INVOICE_LINK_DAYS", cls.invoice_link_days)
        if days < 1:
            raise RuntimeError(f"environment variable INVOICE_LINK_DAYS must be at least 1, got {days}")
        return {"invoice_link_days": days}
