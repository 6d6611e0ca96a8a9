"""Rescheduling: the same rules and conflict checks as booking, a history row, and the old slot offered on."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from servicekit.errors import Conflict, field_error

from booking import journal, lifecycle, offers, placement, therapists
from booking.config import BookingSettings
from booking.journal import Actor, Before
from booking.models import Appointment, Therapist
from booking.placement import ROOM_TAKEN, Spot


def spot_for(appointment: Appointment, therapist: Therapist, start: dt.datetime) -> Spot:
    """Where the appointment would go: same service and client, keeping its room when it can."""
    return Spot(appointment.service, therapist, start.astimezone(dt.timezone.utc), appointment.client_id,
                appointment.room_id, moving_id=appointment.id)


def _conflict(session: Session, spot: Spot) -> tuple[str | None, str | None]:
    reason, room_id = placement.conflict(session, spot)
    if reason == ROOM_TAKEN and spot.service.room_type:
        # Its room is taken at the new time: any free room of the type will do.
        return placement.conflict(session, Spot(spot.service, spot.therapist, spot.start, spot.client_id,
                                                moving_id=spot.moving_id))
    return reason, room_id


def move(session: Session, appointment: Appointment, spot: Spot, actor: Actor, settings: BookingSettings,
         now: dt.datetime, why: str | None = None) -> str | None:
    """Move the (locked) appointment to `spot`, whose rules were checked: the conflict's reason, or None when moved."""
    target = lifecycle.next_status(appointment.status, "reschedule")
    reason, room_id = _conflict(session, spot)
    if reason:
        return reason
    before = Before.of(appointment)
    # The new time passed every check: an override made for the old time no longer applies.
    reason = placement.save(session, appointment, {
        "therapist": spot.therapist, "therapist_id": spot.therapist.id, "start_at": spot.start,
        "end_at": spot.end, "room_id": room_id, "status": target, "override_reason": None, "override_by": None,
        "override_by_name": None})
    if reason:
        return reason
    journal.record(session, appointment, "appointment.rescheduled", "reschedule", actor, settings.zone,
                   before=before, reason=why)
    offers.offer_freed(session, settings, appointment.service, before.therapist_id, before.start, now)
    return None


def _override(session: Session, appointment: Appointment, spot: Spot, override: str, actor: Actor,
              settings: BookingSettings, now: dt.datetime, why: str | None) -> Appointment:
    """Move over conflicts and rules, recording why and who, like a booking override (constraints skip it)."""
    target = lifecycle.next_status(appointment.status, "reschedule")
    before = Before.of(appointment)
    room_id = appointment.room_id or placement.room_for(session, spot)[0]
    for key, value in {"therapist": spot.therapist, "therapist_id": spot.therapist.id, "start_at": spot.start,
                       "end_at": spot.end, "room_id": room_id, "status": target, "override_reason": override,
                       "override_by": actor.user_id, "override_by_name": actor.name}.items():
        setattr(appointment, key, value)
    session.flush()
    journal.record(session, appointment, "appointment.rescheduled", "reschedule", actor, settings.zone,
                   before=before, reason=why or override)
    offers.offer_freed(session, settings, appointment.service, before.therapist_id, before.start, now)
    return appointment


def reschedule(session: Session, appointment: Appointment, data: dict[str, Any], actor: Actor,
               settings: BookingSettings, now: dt.datetime) -> Appointment:
    """Move one appointment to `start` (and `therapist_id`): 422 for a broken rule, 409 for a conflict.

    With `override_reason` the front desk moves it over conflicts and rules (never into the past).
    """
    lifecycle.check_allowed("reschedule", actor)
    lifecycle.next_status(appointment.status, "reschedule")
    therapist = appointment.therapist
    if data.get("therapist_id"):
        therapist = therapists.offering_one(session, str(data["therapist_id"]), appointment.service_code)
    spot = spot_for(appointment, therapist, data["start"])
    if spot.start == appointment.start_at and therapist.id == appointment.therapist_id:
        raise field_error("start", "is the appointment's current time; give a new one")
    override = (data.get("override_reason") or "").strip()
    if data.get("override_reason") is not None and not override:
        raise field_error("override_reason", "say why the rules are overridden")
    if override:
        if spot.start <= now:
            raise field_error("start", placement.PAST)
        return _override(session, appointment, spot, override, actor, settings, now, data.get("reason"))
    placement.check_rules(session, spot, settings.zone, now)
    reason = move(session, appointment, spot, actor, settings, now, data.get("reason"))
    if reason:
        raise Conflict(reason)
    return appointment
