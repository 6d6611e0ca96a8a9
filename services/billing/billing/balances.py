"""What clients still owe: the open balances of their invoices, for a whole page of clients at once."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billing.models import OPEN_STATUSES, Invoice



def balances(session: Session, client_ids: list[str], currency: str) -> list[dict[str, Any]]:
    """One row per client asked (per currency owed, in the order asked); a client owing nothing owes 0."""
    stmt = (select(Invoice.client_id, Invoice.currency, func.sum(Invoice.total_minor - Invoice.paid_minor),
                   func.count(Invoice.id))
            .where(Invoice.client_id.in_(client_ids), Invoice.status.in_(OPEN_STATUSES))
            .group_by(Invoice.client_id, Invoice.currency).order_by(Invoice.client_id, Invoice.currency))
    owed: dict[str, list[dict[str, Any]]] = {}
    for client_id, owed_currency, minor, count in session.execute(stmt):
        owed.setdefault(client_id, []).append({"client_id": client_id, "balance_minor": int(minor),
                                               "currency": owed_currency, "open_invoices": int(count)})
    nothing = {"balance_minor": 0, "currency": currency, "open_invoices": 0}
    return [row for client_id in dict.fromkeys(client_ids)
            for row in owed.get(client_id) or [{"client_id": client_id, **nothing}]]
