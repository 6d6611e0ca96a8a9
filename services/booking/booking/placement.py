"""Whether one session may go at one time: the booking rules (422), the conflicts (409), the room it gets.

The database's overlap constraints are the guarantee; these checks give people the reason first.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from servicekit.errors import field_error

from booking import absences, catalog, slots, therapists
from booking.models import ACTIVE_STATUSES, Appointment, Room, ServiceType, Therapist

PAST = "must be in the future"
TAKEN = "That slot is already taken; pick another time."
JUST_TAKEN = "That slot was just taken; pick another time."
TOO_CLOSE = "That time is too close to another session of this therapist (buffer time); pick another time."
CLIENT_BUSY = "The client already has a session at that time."
ROOM_TAKEN = "That room is taken at that time; pick another room or time."
DEADLOCK_DETECTED = "40P01"  # SQLSTATE
# The widest gap a buffer may ask for (schemas cap buffers at this): how far around a start to look.
MAX_BUFFER = dt.timedelta(minutes=240)
# The longest session a service type may last (schemas cap durations at this).
LONGEST_SESSION = dt.timedelta(minutes=480)


@dataclass(frozen=True)
class Spot:
    """One session to place: who, what, when, for which client, in which room (asked for), moving which row."""

    service: ServiceType
    therapist: Therapist
    start: dt.datetime  # UTC
    client_id: str | None = None
    room_id: str | None = None
    moving_id: str | None = None

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.service.duration_minutes)


def center_refusal(session: Session, service: ServiceType, start: dt.datetime, now: dt.datetime) -> str | None:
    """The rule of the center or the service type refusing `start`: past, minimum notice, horizon, closure."""
    if start <= now:
        return PAST
    rules = catalog.rules_for(service, now)
    if rules.earliest and start < rules.earliest:
        return (f"inside the minimum notice: {service.code} must be booked at least "
                f"{catalog.describe_minutes(service.min_notice_minutes)} ahead")
    if rules.latest and start > rules.latest:
        return f"beyond the booking horizon: {service.code} can be booked at most {service.horizon_days} days ahead"
    closure = absences.closure_at(session, start, start + rules.length)
    if closure is not None:
        return f"the center is closed then ({closure.reason})"
    return None


def therapist_refusal(session: Session, spot: Spot, zone: ZoneInfo, now: dt.datetime) -> str | None:
    """The therapist's calendar refusing the start: time off, outside working hours, not on the slot grid."""
    if absences.on_time_off(session, spot.therapist.id, spot.start, spot.end):
        return "the therapist is on time off then"
    rules = catalog.rules_for(spot.service, now)
    return slots.start_problem(therapists.weekly_hours(spot.therapist), rules, spot.start, zone)


def refusal(session: Session, spot: Spot, zone: ZoneInfo, now: dt.datetime) -> str | None:
    """Every booking rule for one start, center first: the first that refuses it, or None."""
    return center_refusal(session, spot.service, spot.start, now) or therapist_refusal(session, spot, zone, now)


def check_rules(session: Session, spot: Spot, zone: ZoneInfo, now: dt.datetime) -> None:
    """A 422 naming `start` and the rule, when one refuses the start."""
    problem = refusal(session, spot, zone, now)
    if problem:
        raise field_error("start", problem)


def _active_near(session: Session, spot: Spot, reach: dt.timedelta):
    stmt = select(Appointment.start_at, Appointment.end_at, Appointment.buffer_before_minutes,
                  Appointment.buffer_after_minutes).where(
        Appointment.status.in_(ACTIVE_STATUSES), Appointment.start_at < spot.end + reach,
        Appointment.start_at > spot.start - reach - LONGEST_SESSION, Appointment.end_at > spot.start - reach)
    return stmt.where(Appointment.id != spot.moving_id) if spot.moving_id else stmt


def therapist_conflict(session: Session, spot: Spot) -> str | None:
    """TAKEN when the therapist has a session then, TOO_CLOSE when only the buffers clash."""
    near = [slots.Busy(*row) for row in session.execute(
        _active_near(session, spot, MAX_BUFFER).where(Appointment.therapist_id == spot.therapist.id))]
    if any(b.start < spot.end and spot.start < b.end for b in near):
        return TAKEN
    rules = catalog.rules_for(spot.service, spot.start)  # only its buffers matter here
    return TOO_CLOSE if slots.clashes(spot.start, spot.end, rules, near) else None


def client_conflict(session: Session, spot: Spot) -> str | None:
    """CLIENT_BUSY when the client already has a session then (no buffers between a client's own sessions)."""
    if spot.client_id is None:
        return None
    stmt = _active_near(session, spot, dt.timedelta(0)).where(Appointment.client_id == spot.client_id)
    return CLIENT_BUSY if session.execute(stmt.limit(1)).first() else None


def room_for(session: Session, spot: Spot) -> tuple[str | None, str | None]:
    """(room id, None) for the asked room or the first free room of the required type; (None, reason) if none."""
    if spot.room_id is None and not spot.service.room_type:
        return None, None
    if spot.room_id is not None:
        rooms = [check_room(session, spot.room_id, spot.service)]
    else:
        rooms = list(session.scalars(select(Room).where(Room.room_type == spot.service.room_type,
                                                        Room.active.is_(True)).order_by(Room.name)))
    taken = set(session.scalars(_active_near(session, spot, dt.timedelta(0)).with_only_columns(
        Appointment.room_id).where(Appointment.room_id.in_([r.id for r in rooms]))))
    free = [r.id for r in rooms if r.id not in taken]
    if free:
        return free[0], None
    return None, ROOM_TAKEN if spot.room_id else f"No {spot.service.room_type} room is free at that time."


def check_room(session: Session, room_id: str, service: ServiceType) -> Room:
    """The active room, of the type the service needs (if any); else a 422 naming room_id."""
    room = session.get(Room, room_id)
    if room is None or not room.active:
        raise field_error("room_id", f"unknown room '{room_id}'")
    if service.room_type and room.room_type != service.room_type:
        raise field_error("room_id", f"{service.code} needs a {service.room_type} room; {room.name} is a "
                                     f"{room.room_type} room")
    return room


def lock_keys(spot: Spot) -> list[str]:
    """What a placement of `spot` competes for: the therapist, the client, the room (or the room type)."""
    keys = [f"therapist:{spot.therapist.id}"]
    if spot.client_id:
        keys.append(f"client:{spot.client_id}")
    if spot.service.room_type:
        keys.append(f"room-type:{spot.service.room_type}")
    elif spot.room_id:
        keys.append(f"room:{spot.room_id}")
    return sorted(keys)


def serialize(session: Session, spot: Spot) -> None:
    """On PostgreSQL, queue placements competing for the same therapist, client or room until commit.

    Without this, concurrent requests for one slot all pass the checks and meet in the exclusion
    constraints, where PostgreSQL resolves their mutual waits as deadlocks after `deadlock_timeout`
    (a second each, holding a pooled connection): a 503 instead of the clear 409. Taking the
    transaction-scoped advisory locks first, always in sorted order, makes the checks see the winner's
    committed row. The constraints stay the guarantee; SQLite serializes writers by itself.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in lock_keys(spot):
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))


def conflict(session: Session, spot: Spot) -> tuple[str | None, str | None]:
    """(reason, None) when the therapist, the client or the rooms are not free; else (None, room id)."""
    serialize(session, spot)
    reason = client_conflict(session, spot) or therapist_conflict(session, spot)
    if reason:
        return reason, None
    room_id, reason = room_for(session, spot)
    return reason, room_id


def refused_overlap(exc: IntegrityError) -> str:
    """What the database's overlap guard refused, as a reason a person can act on."""
    diag = getattr(exc.orig, "diag", None)
    text = (getattr(diag, "constraint_name", None) or "") + str(exc.orig)
    if "room" in text:
        return "That room was just taken; pick another time."
    if "client" in text:
        return CLIENT_BUSY
    return JUST_TAKEN


def save(session: Session, appointment: Appointment, changes: dict[str, Any] | None = None) -> str | None:
    """Insert the appointment, or apply `changes` to it, under a savepoint; the reason if the database refused.

    The changes are made inside the savepoint so a refusal rolls back only them (the row is reloaded).
    """
    try:
        with session.begin_nested():
            for key, value in (changes or {}).items():
                setattr(appointment, key, value)
            session.add(appointment)
            session.flush()
    except IntegrityError as exc:
        return refused_overlap(exc)
    except OperationalError as exc:
        # A deadlock met in the overlap constraints (only possible between placements that `serialize`
        # does not order, such as a room asked by id against its type) means another booking won.
        if getattr(exc.orig, "sqlstate", None) == DEADLOCK_DETECTED:
            return JUST_TAKEN
        raise
    return None
