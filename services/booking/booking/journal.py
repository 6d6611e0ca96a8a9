"""What happened to an appointment: one history row per change and the event announcing it (one snapshot)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.messaging import add_event

from booking.models import Appointment, AppointmentHistory


@dataclass(frozen=True)
class Actor:
    """Who made a change: "staff", "guardian" (portal, online form, e-mail link) or "system" (jobs)."""

    kind: str
    user_id: str | None = None
    name: str | None = None

    @classmethod
    def of(cls, principal: Principal) -> "Actor":
        """Staff for staff roles; the guardian for a portal login or an anonymous family."""
        kind = "staff" if principal.is_staff else "guardian"
        return cls(kind, principal.user_id, principal.name or None)

    @property
    def is_guardian(self) -> bool:
        return self.kind == "guardian"


SYSTEM = Actor("system")
GUARDIAN_BY_LINK = Actor("guardian")


@dataclass(frozen=True)
class Before:
    """The appointment as it was before a change: status, start, end and therapist."""

    status: str | None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    therapist_id: str | None = None

    @classmethod
    def of(cls, appointment: Appointment) -> "Before":
        return cls(appointment.status, appointment.start_at, appointment.end_at, appointment.therapist_id)


def _local(moment: dt.datetime | None, zone: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat()


def snapshot(appointment: Appointment, zone: ZoneInfo, actor: Actor, *, reason: str | None = None,
             moved_from: Before | None = None) -> dict[str, Any]:
    """The data of every appointment event (events_v2): the appointment as it now is, and why."""
    child = appointment.client
    return {
        "appointment_id": appointment.id, "status": appointment.status,
        "service_code": appointment.service_code, "service_name": appointment.service.name,
        "therapist_id": appointment.therapist_id, "therapist_name": appointment.therapist_name,
        "room_id": appointment.room_id,
        "start": _local(appointment.start_at, zone), "end": _local(appointment.end_at, zone),
        "client": {**child, "birth_date": child["birth_date"].isoformat() if child["birth_date"] else None},
        "guardian": appointment.guardian, "client_id": appointment.client_id, "source": appointment.source,
        "notes": appointment.notes, "series_id": appointment.series_id, "reason": reason,
        "late_cancellation": appointment.late_cancellation,
        "previous_start": _local(moved_from.start, zone) if moved_from else None,
        "previous_end": _local(moved_from.end, zone) if moved_from else None,
        "previous_therapist_id": moved_from.therapist_id if moved_from else None,
        "actor": actor.kind,
        # Kept from the first appointment.confirmed / .cancelled payloads, which consumers may still read.
        "guardian_email": appointment.guardian_email,
    }


def record(session: Session, appointment: Appointment, event_type: str, action: str, actor: Actor,
           zone: ZoneInfo, *, before: Before, reason: str | None = None) -> None:
    """Write the history row of a change and stage its event, in the caller's transaction."""
    moved = before.start is not None and (before.start != appointment.start_at
                                          or before.therapist_id != appointment.therapist_id)
    session.add(AppointmentHistory(
        appointment_id=appointment.id, action=action, from_status=before.status, to_status=appointment.status,
        old_start=before.start, new_start=appointment.start_at, old_therapist_id=before.therapist_id,
        new_therapist_id=appointment.therapist_id, actor=actor.kind, actor_id=actor.user_id,
        actor_name=actor.name, reason=reason))
    add_event(session, event_type, snapshot(appointment, zone, actor, reason=reason,
                                            moved_from=before if moved else None))


def history(appointment_id: str) -> Select:
    """The history rows of one appointment, oldest first."""
    return select(AppointmentHistory).where(AppointmentHistory.appointment_id == appointment_id).order_by(
        AppointmentHistory.at, AppointmentHistory.id)
