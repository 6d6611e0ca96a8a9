"""Recurring series: every N weeks at one local wall-clock time, each occurrence checked like a single booking."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.errors import Conflict, Forbidden, field_error, not_found

from booking import appointments, catalog, journal, lifecycle, moves, placement, slots, therapists
from booking.config import BookingSettings
from booking.journal import Actor, Before
from booking.models import Appointment, AppointmentSeries
from booking.placement import Spot

MAX_OCCURRENCES = 52
CANCELLABLE = ("booked", "confirmed", "pending_cancel")
MOVABLE = ("booked", "confirmed")


def recurrence(start: dt.datetime, every_weeks: int, zone: ZoneInfo, *, count: int | None = None,
               until: dt.date | None = None) -> list[tuple[dt.datetime, dt.datetime | None]]:
    """(local wall time, aware start or None) of each occurrence: the wall-clock time stays across DST changes.

    None marks a wall time that does not exist that day (spring gap). Pure; at most 52 occurrences.
    """
    wall = start.astimezone(zone).replace(tzinfo=None)
    found: list[tuple[dt.datetime, dt.datetime | None]] = []
    while (count is None or len(found) < count) and (until is None or wall.date() <= until):
        if len(found) == MAX_OCCURRENCES:
            raise field_error("until", f"a series has at most {MAX_OCCURRENCES} occurrences")
        found.append((wall, slots.localize(wall, zone)))
        wall += dt.timedelta(weeks=every_weeks)
    return found


def _missing(wall: dt.datetime) -> dict[str, str]:
    return {"start": wall.isoformat(),
            "reason": f"{wall:%H:%M} does not exist on {wall:%Y-%m-%d} (daylight-saving change)"}


def _place(session: Session, spot: Spot, data: dict[str, Any], series_id: str, settings: BookingSettings,
           now: dt.datetime) -> tuple[Appointment | None, str | None]:
    reason = placement.refusal(session, spot, settings.zone, now)
    room_id = None
    if not reason:
        reason, room_id = placement.conflict(session, spot)
    if reason:
        return None, reason
    appointment = appointments.new_appointment(spot, data["client"], data["guardian"], source="front_desk",
                                               notes=data.get("notes"), room_id=room_id, series_id=series_id)
    reason = placement.save(session, appointment)
    return (None, reason) if reason else (appointment, None)


def _book_all(session: Session, walls: list[tuple[dt.datetime, dt.datetime | None]], template: Spot,
              data: dict[str, Any], series_id: str, actor: Actor, settings: BookingSettings,
              now: dt.datetime) -> tuple[list[Appointment], list[dict[str, str]]]:
    """Each occurrence booked and announced, or reported as {start, reason}."""
    booked, conflicts = [], []
    for wall, start in walls:
        if start is None:
            conflicts.append(_missing(wall))
            continue
        spot = replace(template, start=start.astimezone(dt.timezone.utc))
        appointment, reason = _place(session, spot, data, series_id, settings, now)
        if appointment is None:
            conflicts.append({"start": start.isoformat(), "reason": reason})
            continue
        journal.record(session, appointment, "appointment.booked", "booked", actor, settings.zone,
                       before=Before(None))
        booked.append(appointment)
    return booked, conflicts


def create_series(session: Session, data: dict[str, Any], principal: Principal, settings: BookingSettings,
                  now: dt.datetime) -> dict[str, Any]:
    """Book every occurrence that passes the rules and is free; report the others. None booked is a 409."""
    service = catalog.service_type(session, data["service_code"])
    therapist = therapists.offering_one(session, str(data["therapist_id"]), service.code)
    client_id = str(data["client_id"]) if data.get("client_id") else None
    room_id = placement.check_room(session, str(data["room_id"]), service).id if data.get("room_id") else None
    walls = recurrence(data["start"], data["every_weeks"], settings.zone, count=data.get("count"),
                       until=data.get("until"))
    series = AppointmentSeries(service_code=service.code, therapist_id=therapist.id, client_id=client_id,
                               every_weeks=data["every_weeks"], count=data.get("count"), until=data.get("until"),
                               local_time=walls[0][0].time(), created_by=principal.user_id)
    session.add(series)
    session.flush()
    template = Spot(service, therapist, now, client_id, room_id)
    booked, conflicts = _book_all(session, walls, template, data, series.id, Actor.of(principal), settings, now)
    if not booked:
        raise Conflict(f"None of the {len(walls)} occurrences could be booked: {conflicts[0]['reason']}",
                       conflicts=conflicts)
    return {"id": series.id, "booked": booked, "conflicts": conflicts}


def get_series(session: Session, series_id: str, principal: Principal) -> dict[str, Any]:
    """The series and its appointments, for staff, its therapist and its family."""
    series = session.get(AppointmentSeries, series_id)
    if series is None:
        raise not_found("Series", series_id)
    rows = list(session.scalars(select(Appointment).where(Appointment.series_id == series_id)
                                .order_by(Appointment.start_at)))
    if not all(appointments.may_see(principal, a) for a in rows):
        raise Forbidden("You may only see your own appointments.")
    return {"id": series.id, "service_code": series.service_code, "therapist_id": series.therapist_id,
            "client_id": series.client_id, "every_weeks": series.every_weeks, "count": series.count,
            "until": series.until, "appointments": rows}


def _following(session: Session, series_id: str, from_id: str, statuses: tuple[str, ...]) -> list[Appointment]:
    """The (locked) appointments of the series from `from_id` on, in `statuses`, by start."""
    if session.get(AppointmentSeries, series_id) is None:
        raise not_found("Series", series_id)
    anchor = session.get(Appointment, from_id)
    if anchor is None or anchor.series_id != series_id:
        raise field_error("from_appointment_id", "is not an appointment of this series")
    rows = list(session.scalars(select(Appointment).where(
        Appointment.series_id == series_id, Appointment.start_at >= anchor.start_at,
        Appointment.status.in_(statuses)).order_by(Appointment.start_at).with_for_update(of=Appointment)))
    if not rows:
        raise Conflict("No appointment of the series is left to change from that one on.")
    return rows


def cancel_following(session: Session, series_id: str, data: dict[str, Any], actor: Actor,
                     settings: BookingSettings, now: dt.datetime) -> dict[str, Any]:
    """Cancel this occurrence and every later one still active; each is announced and its slot offered on."""
    rows = _following(session, series_id, str(data["from_appointment_id"]), CANCELLABLE)
    for appointment in rows:
        lifecycle.apply(session, appointment, "cancel", actor, settings, now, reason=data["reason"])
    return {"id": series_id, "cancelled": rows}


def reschedule_following(session: Session, series_id: str, data: dict[str, Any], actor: Actor,
                         settings: BookingSettings, now: dt.datetime) -> dict[str, Any]:
    """Move this occurrence to `start` and every later one by the same days, to the same new local time."""
    lifecycle.check_allowed("reschedule", actor)
    rows = _following(session, series_id, str(data["from_appointment_id"]), MOVABLE)
    zone = settings.zone
    new_local = data["start"].astimezone(zone)
    shift = new_local.date() - rows[0].start_at.astimezone(zone).date()
    # Later ones move first when the series moves later (and the reverse), so it never collides with itself.
    order = reversed(rows) if new_local > rows[0].start_at else iter(rows)
    moved, conflicts = [], []
    for appointment in order:
        wall = dt.datetime.combine(appointment.start_at.astimezone(zone).date() + shift, new_local.time())
        start = slots.localize(wall, zone)
        if start is None:
            conflicts.append({"appointment_id": appointment.id, **_missing(wall)})
            continue
        spot = moves.spot_for(appointment, appointment.therapist, start)
        reason = placement.refusal(session, spot, zone, now) or moves.move(
            session, appointment, spot, actor, settings, now, data.get("reason"))
        if reason:
            conflicts.append({"appointment_id": appointment.id, "start": start.isoformat(), "reason": reason})
        else:
            moved.append(appointment)
    session.get(AppointmentSeries, series_id).local_time = new_local.time()
    return {"id": series_id, "rescheduled": sorted(moved, key=lambda a: a.start_at),
            "conflicts": sorted(conflicts, key=lambda c: c["start"])}
