"""A generated center on a scratch database: 25 therapists, 10 service types, 20,000 appointments (seeded)."""
from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.orm import Session

from booking.models import Appointment, Closure, Room, ServiceType, Therapist, TherapistService, TimeOff, WorkingHours

UTC = dt.timezone.utc
# (code, minutes, granularity, buffer before, buffer after, room type)
SERVICE_TYPES = [
    ("B01", 30, None, 0, 0, None), ("B02", 45, 15, 0, 0, None), ("B03", 60, 30, 10, 10, None),
    ("B04", 60, None, 0, 0, None), ("B05", 60, 30, 0, 15, None), ("B06", 45, None, 0, 0, None),
    ("B07", 90, 30, 0, 0, "gym"), ("B08", 60, None, 5, 5, None), ("B09", 30, 15, 0, 0, None),
    ("B10", 60, None, 0, 0, None),
]
THERAPISTS = 25
APPOINTMENTS = 20_000
ROOMS = 3
DAY = [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(18))]  # a lunch break between the two intervals


@dataclass
class Center:
    services: dict[str, ServiceType] = field(default_factory=dict)
    therapists: list[Therapist] = field(default_factory=list)
    offers: dict[str, list[str]] = field(default_factory=dict)  # therapist id -> service codes
    rooms: list[str] = field(default_factory=list)


def _catalog(session: Session, center: Center) -> None:
    for code, minutes, step, before, after, room_type in SERVICE_TYPES:
        service = ServiceType(code=code, name=f"Service {code}", duration_minutes=minutes, granularity_minutes=step,
                              buffer_before_minutes=before, buffer_after_minutes=after, room_type=room_type,
                              horizon_days=120)
        session.add(service)
        center.services[code] = service
    for n in range(ROOMS):
        room = Room(name=f"Gym {n + 1}", room_type="gym")
        session.add(room)
        session.flush()
        center.rooms.append(room.id)
    codes = [code for code, *_ in SERVICE_TYPES]
    for n in range(THERAPISTS):
        offered = sorted({codes[(n + k) % 10] for k in (0, 3, 5, 7)})  # each service: 10 therapists
        therapist = Therapist(name=f"Therapist {n + 1:02d}", email=f"t{n + 1}@bench.example")
        therapist.services = [TherapistService(service_code=code) for code in offered]
        therapist.working_hours = [WorkingHours(weekday=d, start_time=s, end_time=e) for d in range(5) for s, e in DAY]
        session.add(therapist)
        center.therapists.append(therapist)
    session.flush()
    center.offers = {t.id: sorted(s.service_code for s in t.services) for t in center.therapists}


def _day_sessions(rng: random.Random, center: Center, therapist: Therapist, day: dt.date, zone: ZoneInfo,
                  rooms_busy: dict[str, list[tuple[dt.datetime, dt.datetime]]]) -> list[dict]:
    """A realistic day: sessions back to back with small gaps, inside the two intervals, buffers respected."""
    rows, target = [], rng.randint(5, 10)
    for since, until in DAY:
        wall = dt.datetime.combine(day, since) + dt.timedelta(minutes=rng.choice((0, 0, 30)))
        while len(rows) < target:
            service = center.services[rng.choice(center.offers[therapist.id])]
            length = dt.timedelta(minutes=service.duration_minutes)
            wall += dt.timedelta(minutes=service.buffer_before_minutes)
            if wall + length > dt.datetime.combine(day, until):
                break
            start = wall.replace(tzinfo=zone).astimezone(UTC)
            row = _row(rng, service, therapist, start, start + length, rooms_busy, center)
            if row is not None:
                rows.append(row)
            wall += length + dt.timedelta(minutes=service.buffer_after_minutes + rng.choice((0, 0, 0, 15, 30)))
    return rows


def _row(rng: random.Random, service: ServiceType, therapist: Therapist, start: dt.datetime, end: dt.datetime,
         rooms_busy: dict[str, list[tuple[dt.datetime, dt.datetime]]], center: Center) -> dict | None:
    room_id = None
    if service.room_type:
        free = [r for r in center.rooms if all(not (start < e and s < end) for s, e in rooms_busy[r])]
        if not free:
            return None
        room_id = free[0]
        rooms_busy[room_id].append((start, end))
    past = end < dt.datetime.now(UTC)
    status = rng.choices(("completed", "no_show", "cancelled") if past else ("booked", "confirmed", "cancelled"),
                         (85, 5, 10))[0]
    now = dt.datetime.now(UTC)
    return dict(id=str(uuid.uuid4()), service_code=service.code, therapist_id=therapist.id, start_at=start,
                end_at=end, status=status, client_first_name="Kid", client_last_name=f"N{rng.randint(1, 9999)}",
                guardian_first_name="Parent", guardian_last_name="P", guardian_email="parent@bench.example",
                client_id=str(uuid.uuid4()) if rng.random() < 0.3 else None, source="front_desk",
                created_at=now, updated_at=now, room_id=room_id,
                buffer_before_minutes=service.buffer_before_minutes, buffer_after_minutes=service.buffer_after_minutes,
                late_cancellation=False)


def _appointments(session: Session, center: Center, zone: ZoneInfo, rng: random.Random) -> int:
    today = dt.datetime.now(zone).date()
    days = [today + dt.timedelta(days=n) for n in range(-100, 100) if (today + dt.timedelta(days=n)).weekday() < 5]
    rows: list[dict] = []
    for day in days:
        rooms_busy: dict[str, list] = {r: [] for r in center.rooms}  # this day's room bookings
        for therapist in center.therapists:
            rows.extend(_day_sessions(rng, center, therapist, day, zone, rooms_busy))
    rows = rng.sample(rows, APPOINTMENTS) if len(rows) > APPOINTMENTS else rows
    for chunk in range(0, len(rows), 2000):
        session.execute(insert(Appointment.__table__), rows[chunk:chunk + 2000])
    return len(rows)


def _absences(session: Session, center: Center, zone: ZoneInfo, rng: random.Random) -> None:
    today = dt.datetime.now(zone).date()
    for therapist in rng.sample(center.therapists, 8):
        day = today + dt.timedelta(days=rng.randint(5, 60))
        start = dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(UTC)
        session.add(TimeOff(therapist_id=therapist.id, start_at=start,
                            end_at=start + dt.timedelta(days=rng.randint(1, 5)), reason="leave"))
    for offset in (21, 45):
        day = today + dt.timedelta(days=offset)
        start = dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(UTC)
        session.add(Closure(start_at=start, end_at=start + dt.timedelta(days=1), reason="Holiday"))


def build(session: Session, zone: ZoneInfo, seed: int = 2026) -> tuple[Center, int]:
    """Fill an empty, migrated booking database; returns the center and the number of appointments."""
    rng = random.Random(seed)
    center = Center()
    _catalog(session, center)
    count = _appointments(session, center, zone, rng)
    _absences(session, center, zone, rng)
    session.flush()
    return center, count
