"""Pure balance rules: an invoice's status from what was paid, and when a payment must be refused."""
from __future__ import annotations

from servicekit.money import format_minor


def status_for(total_minor: int, paid_minor: int) -> str:
    """'issued' until money arrives, 'partially_paid' while a balance remains, then 'paid'."""
    if paid_minor <= 0:
        return "issued"
    return "paid" if paid_minor >= total_minor else "partially_paid"


def payment_refusal(status: str, number: str, balance_minor: int, amount_minor: int, currency: str) -> str | None:
    """Why a payment of `amount_minor` cannot be recorded on this invoice, or None when it can."""
    if status == "void":
        return f"Invoice {number} is void; it takes no payments."
    if status == "paid":
        return f"Invoice {number} is already paid in full."
    if amount_minor > balance_minor:
        return (f"The payment of {format_minor(amount_minor)} {currency} exceeds the balance of "
                f"{format_minor(balance_minor)} {currency} on invoice {number}.")
    return None
