"""Our copy of each appointment, kept from booking's snapshots (events_v2) and linked to its client by the CRM."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.messaging import Envelope

from notifications.models import ACTIVE_APPOINTMENT, Appointment
from notifications.templates import full_name

# The status an event implies when its snapshot does not carry one (booking's first payloads did not).
STATUS_OF_EVENT = {"appointment.booked": "booked", "appointment.confirmed": "confirmed",
                   "appointment.cancel_requested": "pending_cancel", "appointment.cancelled": "cancelled",
                   "appointment.completed": "completed", "appointment.no_show": "no_show"}


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value).astimezone(dt.timezone.utc) if value else None


def occurred(event: Envelope) -> dt.datetime:
    """When the event happened (UTC)."""
    return dt.datetime.fromisoformat(event.occurred_at).astimezone(dt.timezone.utc)


def lock(session: Session, appointment_id: str) -> Appointment | None:
    """The appointment row, locked so that concurrent events about it apply one after the other."""
    return session.scalars(select(Appointment).where(Appointment.id == appointment_id).with_for_update()
                           .execution_options(populate_existing=True)).first()


def _apply(appointment: Appointment, data: dict[str, Any], status: str) -> None:
    guardian = data.get("guardian") or {}
    appointment.status = status
    appointment.start_at = _moment(data["start"])
    appointment.end_at = _moment(data.get("end"))
    appointment.client_id = data.get("client_id") or appointment.client_id  # a link made by the CRM stays
    appointment.service_name = data.get("service_name") or data.get("service_code") or appointment.service_name or ""
    appointment.therapist_name = data.get("therapist_name") or appointment.therapist_name or ""
    appointment.client_name = full_name(data.get("client")) or appointment.client_name or ""
    appointment.guardian_name = full_name(guardian) or appointment.guardian_name or ""
    appointment.guardian_email = guardian.get("email") or data.get("guardian_email") or appointment.guardian_email
    appointment.guardian_phone = guardian.get("phone") or appointment.guardian_phone


def record(session: Session, event: Envelope) -> tuple[Appointment, bool]:
    """Store the event's snapshot; (appointment, True) unless a newer snapshot was already kept."""
    data = event.data
    status = data.get("status") or STATUS_OF_EVENT.get(event.type, "booked")
    when = occurred(event)
    appointment = lock(session, data["appointment_id"])
    if appointment is None:
        appointment = Appointment(id=data["appointment_id"], as_of=when)
        session.add(appointment)
    elif appointment.as_of > when:
        return appointment, False  # an older event arrived late: the newer state stands
    _apply(appointment, data, status)
    appointment.as_of = when
    session.flush()
    return appointment, True


def link_client(session: Session, appointment_id: str, client_id: str) -> Appointment:
    """opportunity.stage_changed: the CRM matched an (often online) booking to its client."""
    appointment = lock(session, appointment_id)
    if appointment is None:
        # The link came before the booking's own event: keep it on a placeholder the snapshot will fill.
        appointment = Appointment(id=appointment_id, status="unknown", start_at=EPOCH, as_of=EPOCH)
        session.add(appointment)
    appointment.client_id = client_id
    session.flush()
    return appointment


def is_active(appointment: Appointment | None) -> bool:
    """Still going to happen: booked or confirmed (not cancelled, pending cancellation, done)."""
    return appointment is not None and appointment.status in ACTIVE_APPOINTMENT


def upcoming_of_client(session: Session, client_id: str, now: dt.datetime) -> list[Appointment]:
    """The client's active appointments still to come, locked (their reminders are about to change)."""
    return list(session.scalars(select(Appointment).where(
        Appointment.client_id == client_id, Appointment.status.in_(ACTIVE_APPOINTMENT),
        Appointment.start_at > now).order_by(Appointment.id).with_for_update()))
