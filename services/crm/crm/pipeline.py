"""Opportunities and their stages: new -> quoted -> won (or lost)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.db import utcnow
from servicekit.errors import Conflict, not_found
from servicekit.messaging import add_event

from crm import directory
from crm.models import Opportunity

# Forward-only: a later event never pulls an opportunity back to an earlier stage.
ORDER = {"new": 0, "quoted": 1, "won": 2, "lost": 2}


def _publish_stage(session: Session, opp: Opportunity, from_stage: str | None) -> None:
    add_event(session, "opportunity.stage_changed", {
        "opportunity_id": opp.id, "client_id": opp.client_id, "appointment_id": opp.appointment_id,
        "service_code": opp.service_code, "from_stage": from_stage, "to_stage": opp.stage,
        "quotation_id": opp.quotation_id, "changed_at": utcnow().isoformat(),
    })


def _already_opened(session: Session, data: dict[str, Any]) -> Opportunity | None:
    """The opportunity this booking belongs to already: its own (a redelivery) or its series' first session's."""
    existing = session.scalars(select(Opportunity).where(Opportunity.appointment_id == data["appointment_id"])).first()
    if existing is None and data.get("series_id"):
        existing = session.scalars(select(Opportunity).where(Opportunity.series_id == data["series_id"])).first()
    return existing


def open_from_booking(session: Session, data: dict[str, Any]) -> Opportunity:
    """`appointment.booked`: find or create the family and open an opportunity in stage `new` (once per booking,
    and once per weekly series: its later sessions are the same inquiry, not new ones)."""
    existing = _already_opened(session, data)
    if existing is not None:
        return existing
    client, guardian = directory.match_or_create_family(session, data)
    opp = Opportunity(client_id=client.id, contact_id=guardian.id, appointment_id=data["appointment_id"],
                      series_id=data.get("series_id"),
                      service_code=data.get("service_code"), therapist_id=data.get("therapist_id"),
                      appointment_start=dt.datetime.fromisoformat(data["start"]),
                      source=data.get("source", "online"), stage="new")
    session.add(opp)
    session.flush()
    _publish_stage(session, opp, None)
    directory.record_activity(session, client.id, "appointment_booked",
                              f"{data.get('service_code')} session booked for {data['start']} ({opp.source})", opp.id)
    return opp


def advance(session: Session, opportunity_id: str, to_stage: str, *, quotation_id: str | None = None,
            reason: str | None = None) -> Opportunity | None:
    """Move forward to `to_stage`. Late or repeated events never pull an opportunity back."""
    opp = session.get(Opportunity, opportunity_id)
    if opp is None:
        return None
    if opp.stage in ("won", "lost") or ORDER[to_stage] < ORDER[opp.stage]:
        return opp
    from_stage = opp.stage
    opp.stage = to_stage
    opp.quotation_id = quotation_id or opp.quotation_id
    if to_stage == "lost":
        opp.lost_reason = reason
    session.flush()
    if from_stage != to_stage:
        _publish_stage(session, opp, from_stage)
    return opp


def mark_lost(session: Session, opportunity_id: str, reason: str) -> Opportunity:
    """Staff close an opportunity that will not go ahead."""
    opp = get(session, opportunity_id)
    if opp.stage in ("won", "lost"):
        raise Conflict(f"The opportunity is already {opp.stage}; it cannot be marked lost.")
    advance(session, opp.id, "lost", reason=reason)
    directory.record_activity(session, opp.client_id, "opportunity_lost", reason, opp.id)
    return opp


def get(session: Session, opportunity_id: str) -> Opportunity:
    opp = session.get(Opportunity, opportunity_id)
    if opp is None:
        raise not_found("Opportunity", opportunity_id)
    return opp


def query(args: dict[str, Any]):
    stmt = select(Opportunity).order_by(Opportunity.created_at.desc(), Opportunity.id)
    for field in ("appointment_id", "client_id", "stage"):
        if args.get(field):
            stmt = stmt.where(getattr(Opportunity, field) == str(args[field]))
    return stmt

