"""Time off per therapist and center closures: spans when no session may be booked."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, literal, select, union_all
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.errors import Forbidden, field_error, not_found

from booking import slots
from booking.models import ACTIVE_STATUSES, Appointment, Closure, Therapist, TimeOff


def span_of(data: dict[str, Any], zone: ZoneInfo) -> slots.Span:
    """[start, end) in UTC from `start`/`end` datetimes, or from a whole local `date` (midnight to midnight)."""
    if data.get("date"):
        return slots.day_span(data["date"], data["date"], zone)
    start, end = data["start"].astimezone(dt.timezone.utc), data["end"].astimezone(dt.timezone.utc)
    if end <= start:
        raise field_error("end", "must be after start")
    return start, end


def _overlapping(stmt: Select, model: Any, start: dt.datetime, end: dt.datetime) -> Select:
    return stmt.where(model.start_at < end, model.end_at > start)


def may_manage_time_off(principal: Principal, therapist_id: str) -> None:
    """Front desk and admins for everyone; a therapist only for themself."""
    if principal.is_only_therapist() and principal.therapist_id != therapist_id:
        raise Forbidden("You may only manage your own time off.")


def clashing_appointments(session: Session, therapist_id: str, start: dt.datetime, end: dt.datetime) -> list[str]:
    """Ids of the therapist's active appointments inside [start, end): staff reschedule or cancel them."""
    stmt = select(Appointment.id).where(Appointment.therapist_id == therapist_id,
                                        Appointment.status.in_(ACTIVE_STATUSES))
    return list(session.scalars(_overlapping(stmt, Appointment, start, end).order_by(Appointment.start_at)))


def add_time_off(session: Session, therapist: Therapist, data: dict[str, Any], zone: ZoneInfo) -> TimeOff:
    """Record time off; sessions already booked inside it stay (the response lists them)."""
    start, end = span_of(data, zone)
    time_off = TimeOff(therapist_id=therapist.id, start_at=start, end_at=end, reason=data.get("reason"))
    session.add(time_off)
    session.flush()
    time_off.clashing_appointment_ids = clashing_appointments(session, therapist.id, start, end)
    return time_off


def list_time_off(therapist_id: str, since: dt.datetime | None) -> Select:
    """The therapist's time off, oldest first, optionally only what ends after `since`."""
    stmt = select(TimeOff).where(TimeOff.therapist_id == therapist_id).order_by(TimeOff.start_at, TimeOff.id)
    return stmt.where(TimeOff.end_at > since) if since else stmt


def get_time_off(session: Session, therapist_id: str, time_off_id: str) -> TimeOff:
    """One time-off span of the therapist, else a 404."""
    found = session.get(TimeOff, time_off_id)
    if found is None or found.therapist_id != therapist_id:
        raise not_found("Time off", time_off_id)
    return found


def add_closure(session: Session, data: dict[str, Any], zone: ZoneInfo) -> Closure:
    """Close the center for a local day or a span; sessions already booked inside it are listed."""
    start, end = span_of(data, zone)
    closure = Closure(start_at=start, end_at=end, reason=data["reason"].strip())
    session.add(closure)
    session.flush()
    stmt = select(Appointment.id).where(Appointment.status.in_(ACTIVE_STATUSES))
    closure.clashing_appointment_ids = list(session.scalars(
        _overlapping(stmt, Appointment, start, end).order_by(Appointment.start_at)))
    return closure


def list_closures(since: dt.datetime | None) -> Select:
    """Closures, oldest first, optionally only what ends after `since`."""
    stmt = select(Closure).order_by(Closure.start_at, Closure.id)
    return stmt.where(Closure.end_at > since) if since else stmt


def get_closure(session: Session, closure_id: str) -> Closure:
    """One closure, else a 404."""
    found = session.get(Closure, closure_id)
    if found is None:
        raise not_found("Closure", closure_id)
    return found


def closure_at(session: Session, start: dt.datetime, end: dt.datetime) -> Closure | None:
    """The first closure overlapping [start, end), if any."""
    return session.scalars(_overlapping(select(Closure), Closure, start, end).limit(1)).first()


def on_time_off(session: Session, therapist_id: str, start: dt.datetime, end: dt.datetime) -> bool:
    """True when the therapist has time off overlapping [start, end)."""
    stmt = select(TimeOff.id).where(TimeOff.therapist_id == therapist_id)
    return session.scalar(_overlapping(stmt, TimeOff, start, end).limit(1)) is not None


def off_spans(session: Session, therapist_ids: list[str], start: dt.datetime,
              end: dt.datetime) -> tuple[list[slots.Span], dict[str, list[slots.Span]]]:
    """Closures and each therapist's time off overlapping [start, end), for the slot search (one query)."""
    closures = select(literal(None, String).label("therapist_id"), Closure.start_at, Closure.end_at)
    away_stmt = select(TimeOff.therapist_id, TimeOff.start_at, TimeOff.end_at).where(
        TimeOff.therapist_id.in_(therapist_ids))
    closed: list[slots.Span] = []
    away: dict[str, list[slots.Span]] = {tid: [] for tid in therapist_ids}
    rows = session.execute(union_all(_overlapping(closures, Closure, start, end),
                                     _overlapping(away_stmt, TimeOff, start, end)))
    for therapist_id, since, until in rows:
        (closed if therapist_id is None else away[therapist_id]).append((since, until))
    return closed, away
