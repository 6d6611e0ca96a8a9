"""The family's answer to a sent quotation: an e-signature with its evidence, or a decline."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.errors import Conflict, Gone
from servicekit.messaging import add_event
from servicekit.money import format_minor

from sales import quotations, sharing
from sales.models import OpportunityRef, Quotation

USER_AGENT_MAX = 500


@dataclass(frozen=True)
class Evidence:
    """Where a signature came from, as the request showed it."""

    ip: str | None
    user_agent: str | None


def _ensure_awaiting_answer(quotation: Quotation, action: str, now: dt.datetime) -> None:
    if quotation.status == "draft":
        raise Conflict(f"Only a sent quotation can be {action}; this one is still a draft.")
    if quotation.status in ("signed", "declined"):
        raise Conflict(f"This quotation is already {quotation.status}.")
    if quotation.expires_at is not None and now >= quotation.expires_at:
        raise Gone("This quotation has expired; ask the center to send it again.")


def _answerable(session: Session, quotation_id: str, principal: Principal, token: str | None, action: str,
                now: dt.datetime) -> Quotation:
    # The row lock makes two concurrent answers queue: the second one sees the first one's outcome.
    quotation = quotations.lock(session, quotation_id)
    sharing.authorize_signer(session, quotation, principal, token, now)
    _ensure_awaiting_answer(quotation, action, now)
    return quotation


def _ensure_first_acceptance(session: Session, quotation: Quotation) -> None:
    # Alternatives may be sent for one opportunity: only one is accepted, or the work would start twice.
    # Locking the opportunity row queues concurrent signatures of sibling quotations.
    opportunity = session.get(OpportunityRef, quotation.opportunity_id, with_for_update=True)
    if opportunity is not None and opportunity.stage == "lost":
        raise Conflict("The center has closed this request; contact them if you still want to go ahead.")
    signed = session.scalar(select(Quotation.number).where(
        Quotation.opportunity_id == quotation.opportunity_id, Quotation.status == "signed",
        Quotation.id != quotation.id))
    if signed is not None:
        raise Conflict(f"Quotation {signed} for the same request is already signed; contact the center to change it.")


def sign(session: Session, quotation_id: str, principal: Principal, token: str | None, data: dict[str, Any],
         evidence: Evidence, now: dt.datetime) -> Quotation:
    """Record the family's signature with its evidence and announce quotation.signed."""
    quotation = _answerable(session, quotation_id, principal, token, "signed", now)
    _ensure_first_acceptance(session, quotation)
    quotation.status, quotation.signed_at = "signed", now
    quotation.signer_name, quotation.signature = data["signer_name"].strip(), data["signature"]
    quotation.signer_ip = evidence.ip
    quotation.signer_user_agent = (evidence.user_agent or "")[:USER_AGENT_MAX] or None
    quotation.signed_document_sha256 = quotation.document_sha256
    session.flush()
    add_event(session, "quotation.signed", signed_payload(quotation))
    return quotation


def decline(session: Session, quotation_id: str, principal: Principal, token: str | None, reason: str | None,
            now: dt.datetime) -> Quotation:
    """Record that the family declined and announce quotation.declined."""
    quotation = _answerable(session, quotation_id, principal, token, "declined", now)
    quotation.status, quotation.declined_at = "declined", now
    quotation.decline_reason = (reason or "").strip() or None
    session.flush()
    add_event(session, "quotation.declined", {
        "quotation_id": quotation.id, "number": quotation.number, "opportunity_id": quotation.opportunity_id,
        "client_id": quotation.client_id, "reason": quotation.decline_reason, "declined_at": now.isoformat()})
    return quotation


def signed_payload(quotation: Quotation) -> dict[str, Any]:
    """The quotation.signed event: what tasks and billing need to start the work and the package credits."""
    return {
        "quotation_id": quotation.id, "number": quotation.number, "opportunity_id": quotation.opportunity_id,
        "client_id": quotation.client_id, "client_name": quotation.client_name,
        "lines": [{"line_id": line.id, "service_code": line.service_code, "service_name": line.service_name,
                   "description": line.description, "kind": line.kind, "quantity": line.quantity,
                   "unit_price": format_minor(line.unit_price_minor), "sessions": line.sessions}
                  for line in quotation.lines],
        "total": format_minor(quotation.total_minor), "currency": quotation.currency,
        "signed_at": quotation.signed_at.isoformat(), "signer_name": quotation.signer_name,
    }
