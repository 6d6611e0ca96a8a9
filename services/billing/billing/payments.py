"""Payments: money received against an invoice, partial or final, never more than the balance."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.db import utcnow
from servicekit.errors import Conflict
from servicekit.messaging import add_event
from servicekit.money import format_minor

from billing import credits, families, invoicing, ledger
from billing.models import Invoice, Payment

NO_PACKAGE_SESSIONS = "This client has no prepaid package sessions left; choose another payment method."


def record(session: Session, invoice_id: str, principal: Principal, data: dict[str, Any]) -> Invoice:
    """Add a payment and settle the invoice when nothing is left; publishes `payment.recorded` (and `invoice.paid`)."""
    # The row lock makes concurrent payments on one invoice take turns, so the balance check holds.
    invoice = invoicing.get(session, invoice_id, principal, lock=True)
    amount = data["amount"]
    refusal = ledger.payment_refusal(invoice.status, invoice.number, invoice.balance_minor, amount,
                                     invoice.currency)
    if refusal:
        raise Conflict(refusal)
    if data["method"] == "package_credit" and credits.sessions_left(session, invoice.client_id) < 1:
        raise Conflict(NO_PACKAGE_SESSIONS)
    payment = Payment(invoice=invoice, amount_minor=amount, method=data["method"],
                      reference=data.get("reference"), received_at=utcnow(), recorded_by=principal.user_id)
    session.add(payment)
    invoice.paid_minor += amount
    invoice.status = ledger.status_for(invoice.total_minor, invoice.paid_minor)
    if invoice.status == "paid":
        invoice.paid_at = payment.received_at
    session.flush()
    _publish(session, invoice, payment)
    return invoice


def _publish(session: Session, invoice: Invoice, payment: Payment) -> None:
    add_event(session, "payment.recorded", {
        "payment_id": payment.id, "invoice_id": invoice.id, "number": invoice.number,
        "client_id": invoice.client_id, "amount": format_minor(payment.amount_minor), "method": payment.method,
        "balance": format_minor(invoice.balance_minor), "currency": invoice.currency,
        "recorded_at": payment.received_at.isoformat()})
    if invoice.status == "paid":
        add_event(session, "invoice.paid", {
            "invoice_id": invoice.id, "number": invoice.number, "client_id": invoice.client_id,
            "total": format_minor(invoice.total_minor), "currency": invoice.currency,
            "paid_at": invoice.paid_at.isoformat() if invoice.paid_at else None,
            "payments": [{"payment_id": p.id, "amount": format_minor(p.amount_minor), "method": p.method}
                         for p in invoice.payments]})


def query(principal: Principal, args: dict[str, Any]) -> Select:
    """Payments, newest first, by invoice and client; a family sees only its own."""
    stmt = select(Payment).join(Invoice).order_by(Payment.received_at.desc(), Payment.id)
    if args.get("invoice_id"):
        stmt = stmt.where(Payment.invoice_id == str(args["invoice_id"]))
    return families.scoped(stmt, Invoice.client_id, principal, args.get("client_id"))
