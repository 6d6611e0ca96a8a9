"""Billing settings: the shared ones plus how long an invoice's share link stays valid and its payment terms."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.config import Settings, env_int


@dataclass
class BillingSettings(Settings):
    """Settings of the billing service."""

    invoice_link_days: int = 60
    payment_terms_days: int = 30

    @classmethod
    def load_extra(cls) -> dict[str, Any]:
        """INVOICE_LINK_DAYS: days an invoice's PDF link (e-mailed with invoice.issued) keeps working;
        PAYMENT_TERMS_DAYS: days after its date an invoice falls due (0: on receipt)."""
        days = env_int("INVOICE_LINK_DAYS", cls.invoice_link_days)
        if days < 1:
            raise RuntimeError(f"environment variable INVOICE_LINK_DAYS must be at least 1, got {days}")
        terms = env_int("PAYMENT_TERMS_DAYS", cls.payment_terms_days)
        if not 0 <= terms <= 365:
            raise RuntimeError(f"environment variable PAYMENT_TERMS_DAYS must be from 0 to 365, got {terms}")
        return {"invoice_link_days": days, "payment_terms_days": terms}
