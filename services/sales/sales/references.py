"""What sales keeps of CRM's clients and opportunities (event-carried state), newest news winning."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from sales.models import ClientRef, OpportunityRef, Quotation


def parse_time(value: str) -> dt.datetime:
    """An RFC 3339 timestamp from an event, as an aware datetime."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _recipient(guardians: list[dict[str, Any]]) -> dict[str, Any] | None:
    # The quotation goes to the first guardian who can receive it by e-mail.
    return next((g for g in guardians if g.get("email")), guardians[0] if guardians else None)


def keep_client(session: Session, data: dict[str, Any], as_of: dt.datetime) -> ClientRef:
    """Upsert the client's names and recipient; an event older than what we hold changes nothing."""
    ref = session.get(ClientRef, data["client_id"], with_for_update=True)
    if ref is not None and ref.updated_at > as_of:
        return ref
    if ref is None:
        ref = ClientRef(client_id=data["client_id"])
        session.add(ref)
    guardian = _recipient(data.get("guardians") or [])
    ref.first_name, ref.last_name, ref.updated_at = data["first_name"], data["last_name"], as_of
    ref.guardian_name = f"{guardian['first_name']} {guardian['last_name']}" if guardian else None
    ref.guardian_email = guardian.get("email") if guardian else None
    session.flush()
    # Drafts follow the client record; a sent quotation keeps the names it was sent with.
    session.execute(update(Quotation).where(Quotation.client_id == ref.client_id, Quotation.status == "draft")
                    .values(client_name=ref.full_name, recipient_name=ref.guardian_name,
                            recipient_email=ref.guardian_email))
    return ref


def keep_opportunity(session: Session, data: dict[str, Any], as_of: dt.datetime) -> OpportunityRef:
    """Upsert the opportunity's client and latest stage; a stage change older than what we hold is ignored."""
    ref = session.get(OpportunityRef, data["opportunity_id"], with_for_update=True)
    if ref is not None and ref.changed_at > as_of:
        return ref
    if ref is None:
        ref = OpportunityRef(opportunity_id=data["opportunity_id"])
        session.add(ref)
    ref.client_id, ref.service_code = data["client_id"], data.get("service_code")
    ref.stage, ref.changed_at = data["to_stage"], as_of
    session.flush()
    return ref
