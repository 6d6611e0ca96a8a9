"""Calendar views (day, week, month) and the weekly planning: booked against available hours per therapist."""
from __future__ import annotations

import calendar as months
import datetime as dt
from collections import Counter, defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import CLIENT, Principal
from servicekit.errors import Forbidden

from booking import absences, appointments, slots, therapists
from booking.models import SESSION_STATUSES, Appointment, Therapist


def view_range(view: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The local days a view shows: the day, its ISO week (Monday to Sunday) or its calendar month."""
    if view == "day":
        return day, day
    if view == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    return day.replace(day=1), day.replace(day=months.monthrange(day.year, day.month)[1])


def _check_scope(principal: Principal, args: dict[str, Any]) -> None:
    """A therapist looks only at their own calendar, a family only at its own clients."""
    asked_therapist = str(args["therapist_id"]) if args.get("therapist_id") else None
    if principal.is_only_therapist() and asked_therapist not in (None, principal.therapist_id):
        raise Forbidden("You may only see your own calendar.")
    asked_client = str(args["client_id"]) if args.get("client_id") else None
    if principal.role == CLIENT and asked_client and not principal.may_see_family(asked_client):
        raise Forbidden("You may only see your own family's appointments.")


def calendar(session: Session, args: dict[str, Any], principal: Principal, zone: ZoneInfo,
             today: dt.date) -> dict[str, Any]:
    """The appointments of a day, week or month: the center, one therapist, client or room, by service and status."""
    _check_scope(principal, args)
    first, last = view_range(args["view"], args.get("date") or today)
    start, end = slots.day_span(first, last, zone)
    stmt = appointments.visible_to(principal, select(Appointment).where(
        Appointment.start_at >= start, Appointment.start_at < end).order_by(Appointment.start_at, Appointment.id))
    for field in ("therapist_id", "client_id", "room_id", "service_code", "status"):
        if args.get(field):
            stmt = stmt.where(getattr(Appointment, field) == str(args[field]))
    return {"view": args["view"], "first": first, "last": last, "timezone": zone.key,
            "appointments": list(session.scalars(stmt))}


def _hours(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def planning(session: Session, args: dict[str, Any], principal: Principal, zone: ZoneInfo,
             today: dt.date) -> list[dict[str, Any]]:
    """Per therapist, for one ISO week: available hours (working hours less time off and closures),
    booked hours and sessions per service (booked, confirmed, awaiting cancellation, completed or no-show),
    and the same hours day by day."""
    _check_scope(principal, args)
    year, week = args.get("week") or today.isocalendar()[:2]
    first = dt.date.fromisocalendar(year, week, 1)
    last = first + dt.timedelta(days=6)
    start, end = slots.day_span(first, last, zone)
    people: list[Therapist] = list(session.scalars(therapists.list_therapists()))
    if principal.is_only_therapist():
        people = [t for t in people if t.id == principal.therapist_id]
    elif args.get("therapist_id"):
        people = [t for t in people if t.id == str(args["therapist_id"])]
    ids = [t.id for t in people]
    closed, away = absences.off_spans(session, ids, start, end)
    booked: dict[str, dict[dt.date, dt.timedelta]] = defaultdict(lambda: defaultdict(dt.timedelta))
    sessions: dict[str, Counter[str]] = defaultdict(Counter)
    for therapist_id, code, since, until in session.execute(select(
            Appointment.therapist_id, Appointment.service_code, Appointment.start_at, Appointment.end_at).where(
            Appointment.therapist_id.in_(ids), Appointment.status.in_(SESSION_STATUSES),
            Appointment.start_at >= start, Appointment.start_at < end)):
        booked[therapist_id][since.astimezone(zone).date()] += until - since
        sessions[therapist_id][code] += 1
    label = f"{year}-W{week:02d}"
    return [{"therapist_id": t.id, "name": t.name, "week": label,
             "available_hours": _hours(slots.working_time(therapists.weekly_hours(t), first, last, zone,
                                                          closed + away[t.id])),
             "booked_hours": _hours(sum(booked[t.id].values(), dt.timedelta())),
             "sessions_per_service": dict(sorted(sessions[t.id].items())),
             "days": _days(therapists.weekly_hours(t), first, zone, closed + away[t.id], booked[t.id])}
            for t in people]


def _days(hours: tuple[slots.Hours, ...], monday: dt.date, zone: ZoneInfo, off: list[slots.Span],
          booked: dict[dt.date, dt.timedelta]) -> list[dict[str, Any]]:
    """Monday to Sunday of one therapist's planning: available and booked hours of each day."""
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    return [{"date": day, "available_hours": _hours(slots.working_time(hours, day, day, zone, off)),
             "booked_hours": _hours(booked.get(day, dt.timedelta()))} for day in days]
