"""Therapists: the services they offer and their weekly working hours (center-local times)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit.errors import Unprocessable, field_error, not_found

from booking import slots
from booking.models import ServiceType, Therapist, TherapistService, WorkingHours

# What the slot search needs of a therapist: id, name and weekly hours.
Plan = tuple[str, str, tuple[slots.Hours, ...]]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def check_no_overlap(hours: list[dict[str, Any]], field: str = "working_hours") -> None:
    """Intervals of one weekday must not overlap (touching, 12:00-13:00 then 13:00-17:00, is fine).

    The 422 names the list (`working_hours`) and the later interval of the pair (`working_hours.3.start`,
    its index as sent), so a form can show the message beside that row.
    """
    ordered = sorted(enumerate(hours), key=lambda pair: (pair[1]["weekday"], pair[1]["start"]))
    for (_, before), (index, after) in zip(ordered, ordered[1:]):
        if before["weekday"] == after["weekday"] and after["start"] < before["end"]:
            message = (f"intervals overlap on {WEEKDAYS[before['weekday']]}: "
                       f"{before['start']:%H:%M}-{before['end']:%H:%M} and "
                       f"{after['start']:%H:%M}-{after['end']:%H:%M}")
            raise Unprocessable(f"{field}: {message}",
                                errors={field: [message], f"{field}.{index}.start": [message]})


def _check_service_codes(session: Session, codes: list[str]) -> list[str]:
    wanted = sorted(set(codes))
    known = set(session.scalars(select(ServiceType.code).where(ServiceType.code.in_(wanted),
                                                               ServiceType.active.is_(True))))
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise field_error("service_codes", f"unknown service type(s): {', '.join(unknown)}")
    return wanted


def _hours_rows(hours: list[dict[str, Any]]) -> list[WorkingHours]:
    return [WorkingHours(weekday=h["weekday"], start_time=h["start"], end_time=h["end"]) for h in hours]


def create_therapist(session: Session, data: dict[str, Any]) -> Therapist:
    """A new therapist offering `service_codes` with weekly `working_hours`."""
    codes = _check_service_codes(session, data["service_codes"])
    check_no_overlap(data["working_hours"])
    therapist = Therapist(name=data["name"].strip(), email=(data.get("email") or "").strip().lower() or None)
    therapist.services = [TherapistService(service_code=code) for code in codes]
    therapist.working_hours = _hours_rows(data["working_hours"])
    session.add(therapist)
    session.flush()
    return therapist


def replace_working_hours(session: Session, therapist: Therapist, hours: list[dict[str, Any]]) -> Therapist:
    """Replace the therapist's whole week; booked appointments stay as they are."""
    check_no_overlap(hours)
    therapist.working_hours = _hours_rows(hours)
    session.flush()
    session.refresh(therapist)
    return therapist


def get_therapist(session: Session, therapist_id: str, *, lock: bool = False) -> Therapist:
    """The therapist (locked on request), else a 404."""
    stmt = select(Therapist).where(Therapist.id == therapist_id)
    therapist = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if therapist is None:
        raise not_found("Therapist", therapist_id)
    return therapist


def list_therapists(service_code: str | None = None) -> Select:
    """Active therapists by name, optionally only those offering a service."""
    stmt = select(Therapist).where(Therapist.active.is_(True)).order_by(Therapist.name, Therapist.id)
    if service_code:
        stmt = stmt.join(TherapistService).where(TherapistService.service_code == service_code)
    return stmt


def offering(session: Session, service_code: str) -> list[Therapist]:
    """Active therapists offering the service, by name (the order an unspecified booking tries them in)."""
    return list(session.scalars(list_therapists(service_code)))


def offering_one(session: Session, therapist_id: str, service_code: str) -> Therapist:
    """The therapist, when active and offering the service; else a 422 naming therapist_id."""
    therapist = session.get(Therapist, therapist_id)
    if therapist is None or not therapist.active:
        raise field_error("therapist_id", f"unknown therapist '{therapist_id}'")
    if service_code not in therapist.service_codes:
        raise field_error("therapist_id", f"{therapist.name} does not offer {service_code}")
    return therapist


def week_plans(session: Session, service_code: str, therapist_id: str | None = None) -> list[Plan]:
    """(id, name, weekly hours) of the active therapists offering the service, by name, in one query."""
    stmt = select(Therapist.id, Therapist.name, WorkingHours.weekday, WorkingHours.start_time,
                  WorkingHours.end_time).join(TherapistService).outerjoin(WorkingHours).where(
        TherapistService.service_code == service_code, Therapist.active.is_(True)).order_by(
        Therapist.name, Therapist.id, WorkingHours.weekday, WorkingHours.start_time)
    if therapist_id:
        stmt = stmt.where(Therapist.id == therapist_id)
    plans: dict[str, tuple[str, list[slots.Hours]]] = {}
    for tid, name, weekday, start, end in session.execute(stmt):
        hours = plans.setdefault(tid, (name, []))[1]
        if weekday is not None:
            hours.append(slots.Hours(weekday, start, end))
    return [(tid, name, tuple(hours)) for tid, (name, hours) in plans.items()]


def weekly_hours(therapist: Therapist) -> tuple[slots.Hours, ...]:
    """The therapist's working hours for the slot search."""
    return tuple(slots.Hours(h.weekday, h.start_time, h.end_time) for h in therapist.working_hours)
