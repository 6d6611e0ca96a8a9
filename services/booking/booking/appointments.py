"""Booking one appointment (rules checked here, overlaps guaranteed by the database) and who sees which."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit.auth import CLIENT, FRONT_DESK, Principal
from servicekit.errors import Conflict, Forbidden, Unauthorized, field_error, not_found

from booking import catalog, journal, placement, slots, therapists
from booking.config import BookingSettings
from booking.journal import Actor, Before
from booking.models import Appointment, ServiceType, Therapist
from booking.placement import CLIENT_BUSY, JUST_TAKEN, Spot


def booking_source(principal: Principal, client_id: str | None) -> str:
    """online (anonymous), portal (a family, only for its own clients) or front_desk (staff)."""
    if principal.is_anonymous:
        if client_id:
            raise Unauthorized("Log in to book for a registered client (client_id).")
        return "online"
    if principal.role == CLIENT:
        if client_id and not principal.may_see_family(client_id):
            raise Forbidden("You may only book for your own family's clients.")
        return "portal"
    return "front_desk"


def check_override(principal: Principal, data: dict[str, Any]) -> str | None:
    """The staff override reason, if any: only the front desk (and above) may book over conflicts and rules."""
    if data.get("override_reason") is None:
        return None
    if not principal.has_any([FRONT_DESK]):
        raise Forbidden("Only the front desk may book over a conflict or outside the rules (override_reason).")
    reason = data["override_reason"].strip()
    if not reason:
        raise field_error("override_reason", "say why the rules are overridden")
    if not data.get("therapist_id"):
        raise field_error("therapist_id", "required with override_reason")
    return reason


def new_appointment(spot: Spot, child: dict[str, Any], guardian: dict[str, Any], *, source: str,
                    notes: str | None, status: str = "booked", room_id: str | None = None,
                    series_id: str | None = None) -> Appointment:
    """An appointment row for `spot`, with the buffers its service type has now."""
    return Appointment(
        service_code=spot.service.code, service=spot.service, therapist=spot.therapist,
        therapist_id=spot.therapist.id, start_at=spot.start, end_at=spot.end, status=status,
        client_first_name=child["first_name"].strip(), client_last_name=child["last_name"].strip(),
        client_birth_date=child.get("birth_date"), guardian_first_name=guardian["first_name"].strip(),
        guardian_last_name=guardian["last_name"].strip(), guardian_email=guardian["email"].strip().lower(),
        guardian_phone=guardian.get("phone"), client_id=spot.client_id, source=source, notes=notes,
        room_id=room_id, series_id=series_id, buffer_before_minutes=spot.service.buffer_before_minutes,
        buffer_after_minutes=spot.service.buffer_after_minutes)


def _best_problem(problems: list[str | None]) -> str:
    """The most useful refusal among therapists: a misaligned time, then time off, else outside hours."""
    for wanted in (slots.NOT_ALIGNED, "the therapist is on time off then"):
        if wanted in problems:
            return wanted
    return slots.OUTSIDE_HOURS


def _candidates(session: Session, service: ServiceType, therapist_id: str | None, start: dt.datetime,
                zone: ZoneInfo, now: dt.datetime) -> list[Therapist]:
    """The therapists who could take this start: the one asked for, else everyone working then, by name."""
    if therapist_id:
        therapist = therapists.offering_one(session, therapist_id, service.code)
        problem = placement.therapist_refusal(session, Spot(service, therapist, start), zone, now)
        if problem:
            raise field_error("start", problem)
        return [therapist]
    people = therapists.offering(session, service.code)
    problems = [placement.therapist_refusal(session, Spot(service, t, start), zone, now) for t in people]
    working = [t for t, problem in zip(people, problems) if problem is None]
    if not working:
        raise field_error("start", _best_problem(problems))
    return working


def _why_not(reasons: list[str], asked: bool, service: ServiceType) -> str:
    if asked or set(reasons) in ({CLIENT_BUSY}, {JUST_TAKEN}):
        return reasons[0]
    return f"No therapist offering {service.code} is free at that time; pick another slot."


def _first_free(session: Session, service: ServiceType, data: dict[str, Any], settings: BookingSettings,
                now: dt.datetime) -> Appointment:
    start = data["start"]
    problem = placement.center_refusal(session, service, start, now)
    if problem:
        raise field_error("start", problem)
    reasons: list[str] = []
    for therapist in _candidates(session, service, data["therapist_id"], start, settings.zone, now):
        spot = Spot(service, therapist, start, data["client_id"], data["room_id"])
        reason, room_id = placement.conflict(session, spot)
        if reason is None:
            appointment = new_appointment(spot, data["client"], data["guardian"], source=data["source"],
                                          notes=data.get("notes"), room_id=room_id)
            reason = placement.save(session, appointment)
            if reason is None:
                return appointment
        reasons.append(reason)
    raise Conflict(_why_not(reasons, bool(data["therapist_id"]), service))


def _override(session: Session, service: ServiceType, data: dict[str, Any], reason: str,
              principal: Principal) -> Appointment:
    """Book over conflicts and rules, recording why and who; the overlap constraints skip such rows."""
    therapist = therapists.offering_one(session, data["therapist_id"], service.code)
    spot = Spot(service, therapist, data["start"], data["client_id"], data["room_id"])
    if spot.room_id:
        room_id: str | None = placement.check_room(session, spot.room_id, service).id
    else:
        room_id = placement.room_for(session, spot)[0]
    appointment = new_appointment(spot, data["client"], data["guardian"], source=data["source"],
                                  notes=data.get("notes"), room_id=room_id)
    appointment.override_reason, appointment.override_by = reason, principal.user_id
    appointment.override_by_name = principal.name or None
    session.add(appointment)
    session.flush()
    return appointment


def book(session: Session, data: dict[str, Any], principal: Principal, settings: BookingSettings,
         now: dt.datetime) -> Appointment:
    """Book a session at `start`; publishes `appointment.booked`. A taken slot is a 409, a broken rule a 422."""
    service = catalog.service_type(session, data["service_code"])
    data = {**data, **{key: str(data[key]) if data.get(key) else None
                       for key in ("client_id", "therapist_id", "room_id")}}
    data["source"] = booking_source(principal, data["client_id"])
    override = check_override(principal, data)
    data["start"] = data["start"].astimezone(dt.timezone.utc)
    if data["start"] <= now:
        raise field_error("start", placement.PAST)
    if override:
        appointment = _override(session, service, data, override, principal)
    else:
        appointment = _first_free(session, service, data, settings, now)
    journal.record(session, appointment, "appointment.booked", "booked", Actor.of(principal), settings.zone,
                   before=Before(None), reason=override)
    return appointment


def may_see(principal: Principal, appointment: Appointment) -> bool:
    """Staff see all; a therapist only their own; a family only its own clients' appointments."""
    if principal.is_only_therapist():
        return principal.therapist_id is not None and appointment.therapist_id == principal.therapist_id
    if principal.role == CLIENT:
        return principal.may_see_family(appointment.client_id)
    return principal.is_staff


def get_appointment(session: Session, appointment_id: str, principal: Principal, *,
                    lock: bool = False) -> Appointment:
    """The appointment if the principal may see it (locked on request); 404 or 403."""
    stmt = select(Appointment).where(Appointment.id == appointment_id)
    appointment = session.scalars(stmt.with_for_update(of=Appointment) if lock else stmt).first()
    if appointment is None:
        raise not_found("Appointment", appointment_id)
    if not may_see(principal, appointment):
        raise Forbidden("You may only see your own appointments.")
    return appointment


def visible_to(principal: Principal, stmt: Select) -> Select:
    """Narrow an appointment query to the rows the principal may see."""
    if principal.is_only_therapist():
        return stmt.where(Appointment.therapist_id == (principal.therapist_id or ""))
    if principal.role == CLIENT:
        return stmt.where(Appointment.client_id.in_(sorted(principal.client_ids)))
    return stmt


def list_appointments(principal: Principal, args: dict[str, Any], zone: ZoneInfo) -> Select:
    """The appointments the principal may see, filtered, by start."""
    stmt = visible_to(principal, select(Appointment).order_by(Appointment.start_at, Appointment.id))
    for field in ("therapist_id", "client_id", "status", "service_code", "series_id"):
        if args.get(field):
            stmt = stmt.where(getattr(Appointment, field) == str(args[field]))
    if args.get("first"):
        stmt = stmt.where(Appointment.start_at >= slots.day_span(args["first"], args["first"], zone)[0])
    if args.get("last"):
        stmt = stmt.where(Appointment.start_at < slots.day_span(args["last"], args["last"], zone)[1])
    return stmt
