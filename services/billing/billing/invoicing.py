"""Invoices: issuing one from unbilled items under the next gap-free number, reading, voiding, printing."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit import sealing
from servicekit.auth import Principal
from servicekit.center import Center
from servicekit.db import utcnow
from servicekit.errors import Conflict, field_error, not_found
from servicekit.messaging import add_event
from servicekit.money import format_minor

from billing import dating, families, numbering, sharing
from billing.config import BillingSettings
from billing.models import OPEN_STATUSES, BillableItem, ClientRef, Invoice, InvoiceLine
from billing.pdf import DocumentLine, DocumentPayment, InvoiceDocument


def _lock_items(session: Session, stmt: Select) -> list[BillableItem]:
    # Locked in id order, so two invoices reaching for the same items queue up instead of deadlocking.
    stmt = stmt.order_by(BillableItem.id).with_for_update().execution_options(populate_existing=True)
    return list(session.scalars(stmt))


def _chosen_items(session: Session, client_id: str, item_ids: list[str]) -> list[BillableItem]:
    items = _lock_items(session, select(BillableItem).where(BillableItem.id.in_(item_ids)))
    unknown = sorted(set(item_ids) - {item.id for item in items})
    if unknown:
        raise field_error("billable_item_ids", f"unknown billable item(s): {', '.join(unknown)}")
    foreign = [item.id for item in items if item.client_id != client_id]
    if foreign:
        raise field_error("billable_item_ids", f"not billable to this client: {', '.join(foreign)}")
    invoiced = [item.id for item in items if item.status != "unbilled"]
    if invoiced:
        raise Conflict(f"Billable item(s) already invoiced: {', '.join(invoiced)}. "
                       "Void that invoice first to bill them again.")
    return items


def _unbilled_items(session: Session, client_id: str) -> list[BillableItem]:
    items = _lock_items(session, select(BillableItem).where(
        BillableItem.client_id == client_id, BillableItem.status == "unbilled"))
    if not items:
        raise field_error("client_id", "no unbilled items for this client")
    return items


def _single_currency(items: list[BillableItem]) -> str:
    currencies = sorted({item.currency for item in items})
    if len(currencies) > 1:
        raise field_error("billable_item_ids", f"items in different currencies ({', '.join(currencies)}) "
                                               "need separate invoices")
    return currencies[0]


def issue(session: Session, principal: Principal, client_id: str, item_ids: list[str] | None,
          settings: BillingSettings, issued_on: dt.date | None = None) -> Invoice:
    """Invoice the chosen (default: all unbilled) items of a client; publishes `invoice.issued` with a PDF link."""
    zone, now = ZoneInfo(settings.center_timezone), utcnow()
    today = dating.center_today(zone, now)
    day = dating.requested_day(principal, issued_on, today)
    items = _chosen_items(session, client_id, item_ids) if item_ids else _unbilled_items(session, client_id)
    items.sort(key=lambda item: (item.created_at, item.id))
    ref = session.get(ClientRef, client_id)
    invoice = Invoice(client_id=client_id, client_name=ref.name if ref else "", status="issued",
                      currency=_single_currency(items), total_minor=sum(item.amount_minor for item in items),
                      paid_minor=0, due_on=dating.due_on(day, settings.payment_terms_days),
                      created_by=principal.user_id)
    invoice.lines = [InvoiceLine(billable_item_id=item.id, position=n, description=item.description,
                                 quantity=item.quantity, unit_price_minor=item.unit_price_minor,
                                 amount_minor=item.amount_minor) for n, item in enumerate(items, start=1)]
    # The number is taken last: the counter row stays locked for as short a time as possible.
    invoice.number = numbering.next_number(session, day.year)
    issued_at = invoice.issued_at = dating.issue_moment(session, day, today, zone, now)
    token = sharing.open_link(invoice, settings.invoice_link_days, now)
    session.add(invoice)
    session.flush()
    for item in items:
        item.status, item.invoice_id = "invoiced", invoice.id
    add_event(session, "invoice.issued", {
        "invoice_id": invoice.id, "number": invoice.number, "client_id": client_id,
        "total": format_minor(invoice.total_minor), "currency": invoice.currency,
        "issued_at": issued_at.isoformat(), "pdf_url": sealing.seal(sharing.pdf_url(settings.public_base_url, invoice.id, token),
                                                    settings.link_sealing_public_key)})
    return invoice


def get(session: Session, invoice_id: str, principal: Principal, *, lock: bool = False) -> Invoice:
    """One invoice (row-locked when about to change it); a family sees only its own."""
    stmt = select(Invoice).where(Invoice.id == invoice_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    invoice = session.scalars(stmt).first()
    if invoice is None:
        raise not_found("Invoice", invoice_id)
    families.check(principal, invoice.client_id)
    return invoice


def query(principal: Principal, args: dict[str, Any]) -> Select:
    """Invoices, newest first, by client, status, money still owed and lateness; a family sees only its own."""
    stmt = select(Invoice).order_by(Invoice.issued_at.desc(), Invoice.id)
    if args.get("status"):
        stmt = stmt.where(Invoice.status == args["status"])
    if args.get("has_balance") is not None:
        owed = Invoice.status.in_(OPEN_STATUSES) & (Invoice.paid_minor < Invoice.total_minor)
        stmt = stmt.where(owed if args["has_balance"] else ~owed)
    if args.get("overdue") is not None:
        late = Invoice.status.in_(OPEN_STATUSES) & (Invoice.due_on < args["today"])
        stmt = stmt.where(late if args["overdue"] else ~late | Invoice.due_on.is_(None))
    return families.scoped(stmt, Invoice.client_id, principal, args.get("client_id"))


def void(session: Session, invoice_id: str, principal: Principal, reason: str) -> Invoice:
    """Cancel an unpaid invoice; its number stays taken and its items can be invoiced again."""
    invoice = get(session, invoice_id, principal, lock=True)
    if invoice.status == "void":
        raise Conflict(f"Invoice {invoice.number} is already void.")
    if invoice.paid_minor > 0:
        raise Conflict(f"Invoice {invoice.number} has payments recorded; it cannot be voided.")
    invoice.status, invoice.voided_at = "void", utcnow()
    invoice.voided_by, invoice.void_reason = principal.user_id, reason
    items = session.scalars(select(BillableItem).where(BillableItem.invoice_id == invoice.id))
    for item in items:
        item.status, item.invoice_id = "unbilled", None
    session.flush()
    return invoice


def _local_date(moment: dt.datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).date().isoformat() if moment else None


def document(session: Session, invoice: Invoice, centre: Center) -> InvoiceDocument:
    """What the PDF prints for `invoice` under the centre's letterhead, formatted for the centre's time zone."""
    ref, zone = session.get(ClientRef, invoice.client_id), ZoneInfo(centre.timezone)
    return InvoiceDocument(
        center_name=centre.name, number=invoice.number, status=invoice.status, logo=centre.logo,
        center_lines=centre.letterhead_lines,
        issued_on=_local_date(invoice.issued_at, zone) or "", paid_on=_local_date(invoice.paid_at, zone),
        client_name=invoice.client_name, guardian_name=ref.guardian_name if ref else None,
        currency=invoice.currency, total=format_minor(invoice.total_minor), paid=format_minor(invoice.paid_minor),
        balance=format_minor(invoice.balance_minor),
        lines=[DocumentLine(line.description, line.quantity, format_minor(line.unit_price_minor),
                            format_minor(line.amount_minor)) for line in invoice.lines],
        payments=[DocumentPayment(_local_date(p.received_at, zone) or "", p.method, p.reference,
                                  format_minor(p.amount_minor)) for p in invoice.payments])
