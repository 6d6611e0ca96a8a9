"""Drafting and sending quotations: lines priced from the price list, a numbered offer sent by share link."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit import center, sealing
from servicekit.auth import CLIENT, Principal
from servicekit.errors import Conflict, field_error, not_found
from servicekit.messaging import add_event
from servicekit.money import format_minor

from sales import catalog, documents, numbering, pricing, sharing
from sales.config import SalesSettings
from sales.models import CLOSED_STAGES, ClientRef, OpportunityRef, Quotation, QuotationLine


@dataclass(frozen=True)
class SentQuotation:
    """A quotation just sent, with its share link (returned once, never stored)."""

    quotation: Quotation
    share_url: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.quotation, name)


def _open_opportunity(session: Session, opportunity_id: str) -> OpportunityRef:
    opp = session.get(OpportunityRef, opportunity_id)
    if opp is None:
        raise field_error("opportunity_id", "unknown opportunity: sales has not received it from the CRM "
                                            "(yet); check the id or retry in a moment.")
    if opp.stage in CLOSED_STAGES:
        raise Conflict(f"The opportunity is already {opp.stage}; open a new opportunity to quote again.")
    return opp


def create(session: Session, data: dict[str, Any], principal: Principal, settings: SalesSettings,
           now: dt.datetime) -> Quotation:
    """A draft quotation for an open opportunity, its lines priced from the current price list."""
    opp = _open_opportunity(session, str(data["opportunity_id"]))
    priced = [pricing.price_line(catalog.item_for_line(session, i, line, settings.currency), line["quantity"])
              for i, line in enumerate(data["lines"])]
    client = session.get(ClientRef, opp.client_id)
    year = now.astimezone(ZoneInfo(settings.center_timezone)).year
    quotation = Quotation(
        number=numbering.next_number(session, year), opportunity_id=opp.opportunity_id, client_id=opp.client_id,
        client_name=client.full_name if client else None, recipient_name=client.guardian_name if client else None,
        recipient_email=client.guardian_email if client else None, status="draft", currency=settings.currency,
        total_minor=pricing.total_minor(priced), created_at=now, created_by=principal.user_id,
        lines=[QuotationLine(position=i, **asdict(line)) for i, line in enumerate(priced)],
    )
    session.add(quotation)
    session.flush()
    return quotation


def get(session: Session, quotation_id: str) -> Quotation:
    quotation = session.get(Quotation, quotation_id)
    if quotation is None:
        raise not_found("Quotation", quotation_id)
    return quotation


def lock(session: Session, quotation_id: str) -> Quotation:
    """The quotation, row-locked until the transaction ends (check-then-update without races)."""
    quotation = session.scalars(select(Quotation).where(Quotation.id == quotation_id).with_for_update()
                                .execution_options(populate_existing=True)).first()
    if quotation is None:
        raise not_found("Quotation", quotation_id)
    return quotation


def query(principal: Principal, args: dict[str, Any]) -> Select:
    """Quotations for a listing, newest first; a family sees only its own."""
    stmt = select(Quotation).order_by(Quotation.created_at.desc(), Quotation.id)
    if principal.role == CLIENT:
        stmt = stmt.where(Quotation.client_id.in_(principal.client_ids or {""}))
    for field in ("opportunity_id", "client_id", "status"):
        if args.get(field):
            stmt = stmt.where(getattr(Quotation, field) == str(args[field]))
    return stmt


def _recipient(session: Session, quotation: Quotation) -> ClientRef:
    client = session.get(ClientRef, quotation.client_id)
    if client is None:
        raise Conflict("Client details not received yet; retry in a moment.")
    if not client.guardian_email:
        raise Conflict("None of the client's guardians has an e-mail address; add one to the client record, "
                       "then send again.")
    return client


def send(session: Session, quotation_id: str, settings: SalesSettings, now: dt.datetime) -> SentQuotation:
    """Freeze the document, open a fresh share link (replacing any earlier one) and announce quotation.sent."""
    quotation = lock(session, quotation_id)
    if quotation.status in ("signed", "declined"):
        raise Conflict(f"This quotation is already {quotation.status}; draft a new one instead.")
    client = _recipient(session, quotation)
    token = sharing.new_token()
    quotation.status, quotation.sent_at = "sent", now
    quotation.expires_at = now + dt.timedelta(days=settings.quotation_link_days)
    quotation.client_name, quotation.recipient_name = client.full_name, client.guardian_name
    quotation.recipient_email = client.guardian_email
    quotation.share_token_hash = sharing.hash_token(token)
    quotation.document_pdf = documents.render(quotation, center.current(session, settings), now)
    quotation.document_sha256 = documents.sha256_hex(quotation.document_pdf)
    session.flush()
    sent = SentQuotation(quotation, sharing.share_url(settings.public_base_url, quotation.id, token))
    add_event(session, "quotation.sent", sent_payload(sent, settings))
    return sent


def sent_payload(sent: SentQuotation, settings: SalesSettings) -> dict[str, Any]:
    """The event's body; the share link sealed, as every personal link in an event (servicekit.sealing)."""
    q = sent.quotation
    return {"quotation_id": q.id, "number": q.number, "opportunity_id": q.opportunity_id, "client_id": q.client_id,
            "client_name": q.client_name, "recipient_name": q.recipient_name, "recipient_email": q.recipient_email,
            "share_url": sealing.seal(sent.share_url, settings.link_sealing_public_key), "expires_at": q.expires_at.isoformat(), "total": format_minor(q.total_minor),
            "currency": q.currency}
