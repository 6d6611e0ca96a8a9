"""Free slots: load therapists, rules and busy time from the database, then ask the pure slot search."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.errors import field_error

from booking import absences, catalog, client_windows, placement, slots, therapists
from booking.config import BookingSettings
from booking.models import ACTIVE_STATUSES, Appointment, Room, ServiceType

MAX_RANGE_DAYS = 62


def check_range(first: dt.date, last: dt.date) -> None:
    """A search covers at most 62 days, `from` first."""
    if last < first:
        raise field_error("to", "must not be before 'from'")
    if (last - first).days > MAX_RANGE_DAYS:
        raise field_error("to", f"the range may cover at most {MAX_RANGE_DAYS} days after 'from'")


class Taken:
    """Active sessions overlapping the search, split by therapist, room and client (one query)."""

    def __init__(self, session: Session, service: ServiceType, therapist_ids: list[str], client_id: str | None,
                 start: dt.datetime, end: dt.datetime) -> None:
        self.therapists: dict[str, list[slots.Busy]] = {tid: [] for tid in therapist_ids}
        self.rooms: dict[str, list[slots.Span]] = {}
        self.client: list[slots.Span] = []
        who = [Appointment.therapist_id.in_(therapist_ids)]
        if service.room_type:
            who.append(Appointment.room_id.in_(select(Room.id).where(Room.room_type == service.room_type)))
        if client_id:
            who.append(Appointment.client_id == client_id)
        rows = session.execute(select(
            Appointment.therapist_id, Appointment.room_id, Appointment.client_id, Appointment.start_at,
            Appointment.end_at, Appointment.buffer_before_minutes, Appointment.buffer_after_minutes).where(
            Appointment.status.in_(ACTIVE_STATUSES), or_(*who),
            # The lower bound on start_at keeps the (therapist_id, start_at) index range short.
            Appointment.start_at > start - placement.LONGEST_SESSION, Appointment.start_at < end,
            Appointment.end_at > start))
        for therapist_id, room_id, row_client, since, until, before, after in rows:
            if therapist_id in self.therapists:
                self.therapists[therapist_id].append(slots.Busy(since, until, before, after))
            if room_id:
                self.rooms.setdefault(room_id, []).append((since, until))
            if client_id and row_client == client_id:
                self.client.append((since, until))


def _rooms(session: Session, service: ServiceType, taken: Taken) -> tuple[slots.Timeline, ...] | None:
    if not service.room_type:
        return None
    ids = session.scalars(select(Room.id).where(Room.room_type == service.room_type, Room.active.is_(True)))
    return tuple(slots.Timeline(taken.rooms.get(room_id, ())) for room_id in ids)


def _people(session: Session, service: ServiceType, args: dict[str, Any]) -> list[therapists.Plan]:
    """(id, name, weekly hours) of the therapists to search; an unknown or unsuitable therapist_id is a 422."""
    therapist_id = str(args["therapist_id"]) if args.get("therapist_id") else None
    if therapist_id:
        therapists.offering_one(session, therapist_id, service.code)
    return therapists.week_plans(session, service.code, therapist_id)


def find_slots(session: Session, args: dict[str, Any], principal: Principal, settings: BookingSettings,
               now: dt.datetime) -> list[slots.Slot]:
    """Free slots for `service_code` from day `first` to day `last` (center-local), honouring every rule.

    Days beyond the booking horizon are left out silently; so are starts inside the minimum notice.
    """
    zone = settings.zone
    service = catalog.service_type(session, args["service_code"])
    check_range(args["first"], args["last"])
    people = _people(session, service, args)
    client_id = str(args["client_id"]) if args.get("client_id") else None
    if client_id:
        client_windows.may_read(session, principal, client_id)
    rules = catalog.rules_for(service, now)
    last = min(args["last"], rules.latest.astimezone(zone).date())
    if last < args["first"]:
        return []
    start, end = slots.day_span(args["first"], last, zone)
    ids = [tid for tid, _, _ in people]
    taken = Taken(session, service, ids, client_id, start - placement.MAX_BUFFER, end + placement.MAX_BUFFER)
    closed, away = absences.off_spans(session, ids, start, end)
    schedules = [slots.Schedule(tid, name, hours, tuple(taken.therapists[tid]), tuple(closed + away[tid]))
                 for tid, name, hours in people]
    client = None
    if client_id:
        client = slots.ClientFilter(client_windows.weekly(session, client_id), slots.Timeline(taken.client))
    return slots.compute_slots(schedules, rules, args["first"], last, zone, now,
                               rooms=_rooms(session, service, taken), client=client)
