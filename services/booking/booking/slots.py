"""Slot computation: pure and I/O-free. Working hours are local wall-clock times in the center's zone."""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Iterator, NamedTuple
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
OUTSIDE_HOURS = "outside the therapist's working hours"
NOT_ALIGNED = "not aligned to a slot"

Span = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Hours:
    """One weekly interval (weekday 0 = Monday), local wall-clock times."""

    weekday: int
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Rules:
    """How one service type is booked: session length, start step, buffers, and the earliest/latest start."""

    minutes: int
    step: int
    before: int = 0
    after: int = 0
    earliest: dt.datetime | None = None  # now + minimum notice
    latest: dt.datetime | None = None    # now + booking horizon

    @property
    def length(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.minutes)


class Busy(NamedTuple):
    """A session already holding time, with the buffers (minutes) it was booked with."""

    start: dt.datetime
    end: dt.datetime
    before: int = 0
    after: int = 0


@dataclass(frozen=True)
class Schedule:
    """What the slot search knows of one therapist: weekly hours, sessions taken, time off (all aware)."""

    therapist_id: str
    therapist_name: str
    hours: tuple[Hours, ...]
    busy: tuple[Busy, ...] = ()
    off: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Slot:
    start: dt.datetime  # aware, in the center's zone
    end: dt.datetime
    therapist_id: str
    therapist_name: str


class Timeline:
    """Blocked time merged into sorted, disjoint spans: "is [start, end) free?" in O(log n)."""

    def __init__(self, spans: Iterable[Span]) -> None:
        merged: list[list[dt.datetime]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [span[0] for span in merged]
        self.ends = [span[1] for span in merged]

    def is_free(self, start: dt.datetime, end: dt.datetime) -> bool:
        i = bisect_right(self.starts, start)
        if i and self.ends[i - 1] > start:
            return False
        return i == len(self.starts) or self.starts[i] >= end

    def overlap(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """How much of [start, end) is blocked."""
        total = dt.timedelta(0)
        i = max(bisect_right(self.starts, start) - 1, 0)
        while i < len(self.starts) and self.starts[i] < end:
            total += max(min(end, self.ends[i]) - max(start, self.starts[i]), dt.timedelta(0))
            i += 1
        return total


@dataclass(frozen=True)
class ClientFilter:
    """Keep slots the client can come to: inside one of their weekly windows (if any) and not already busy."""

    windows: tuple[Hours, ...]
    busy: Timeline

    def allows(self, start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> bool:
        return self.busy.is_free(start, end) and within_windows(self.windows, start, end, zone)


def within_windows(windows: Iterable[Hours], start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> bool:
    """True when no windows are given or [start, end) lies inside one of them (local wall-clock time)."""
    windows = tuple(windows)
    if not windows:
        return True
    local, local_end = start.astimezone(zone), end.astimezone(zone)
    return local_end.date() == local.date() and any(
        w.weekday == local.weekday() and w.start <= local.time() and local_end.time() <= w.end for w in windows)


def blocked_spans(busy: Iterable[Busy], rules: Rules) -> Iterator[Span]:
    """Where a new session of `rules` may not be: each session widened by the larger buffer on each side.

    The gap kept between two sessions is the larger of the earlier one's buffer after and the later one's
    buffer before.
    """
    for item in busy:
        yield (item.start - dt.timedelta(minutes=max(rules.after, item.before)),
               item.end + dt.timedelta(minutes=max(item.after, rules.before)))


def clashes(start: dt.datetime, end: dt.datetime, rules: Rules, busy: Iterable[Busy]) -> bool:
    """True when a session [start, end) of `rules` overlaps, or comes within the buffers of, a busy session."""
    return any(start < to and since < end for since, to in blocked_spans(busy, rules))


def localize(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """The naive wall-clock time `wall` in `zone`; None inside a DST gap. Ambiguous times take fold=0."""
    local = wall.replace(tzinfo=zone, fold=0)
    round_trip = local.astimezone(UTC).astimezone(zone)
    return local if round_trip.replace(tzinfo=None) == wall else None


def day_span(first: dt.date, last: dt.date, zone: ZoneInfo) -> Span:
    """From local midnight of `first` to local midnight after `last`, in UTC (for database queries)."""
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _steady_offset(day: dt.date, zone: ZoneInfo) -> dt.timedelta | None:
    """The zone's UTC offset on `day` when it does not change that day (the fast path); else None."""
    morning = dt.datetime.combine(day, dt.time(0), tzinfo=zone).utcoffset()
    night = dt.datetime.combine(day, dt.time(23, 59), tzinfo=zone).utcoffset()
    return morning if morning == night else None


def _to_utc(wall: dt.datetime, zone: ZoneInfo, offset: dt.timedelta | None) -> dt.datetime | None:
    if offset is not None:
        return (wall - offset).replace(tzinfo=UTC)
    local = localize(wall, zone)
    return None if local is None else local.astimezone(UTC)


def candidate_starts(hours: Iterable[Hours], day: dt.date, rules: Rules, zone: ZoneInfo,
                     offset: dt.timedelta | None = None) -> Iterator[dt.datetime]:
    """UTC session starts on `day`: every `step` from each interval's start while the session fits before its end.

    Steps are taken in wall-clock time so 09:00 stays 09:00 on both sides of a DST change; a wall time that
    does not exist (spring gap) is skipped; a repeated one (autumn) is offered once, at its first occurrence.
    Pass `offset=_steady_offset(day, zone)` to skip the slow DST-aware conversion on ordinary days.
    """
    step, length = dt.timedelta(minutes=rules.step), rules.length
    for interval in hours:
        if interval.weekday != day.weekday():
            continue
        wall = dt.datetime.combine(day, interval.start)
        limit_wall = dt.datetime.combine(day, interval.end)
        limit = limit_wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        while wall < limit_wall:
            start = _to_utc(wall, zone, offset)
            if start is not None:
                if start + length > limit:
                    break
                yield start
            wall += step


def _window(rules: Rules, now: dt.datetime) -> Span:
    """The first and last start allowed: after now and the minimum notice, up to the horizon."""
    earliest = max(now + dt.timedelta(microseconds=1), rules.earliest or now)
    return earliest, rules.latest or dt.datetime.max.replace(tzinfo=UTC)


def compute_slots(schedules: Iterable[Schedule], rules: Rules, first: dt.date, last: dt.date, zone: ZoneInfo,
                  now: dt.datetime, *, rooms: tuple[Timeline, ...] | None = None,
                  client: ClientFilter | None = None) -> list[Slot]:
    """Free slots of every schedule between `first` and `last` (inclusive, local days), by start then therapist.

    `rooms`: when the service needs a room, the timelines of the rooms of that type (one must be free).
    `client`: keep only the slots the client can come to.
    """
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    offsets = {day: _steady_offset(day, zone) for day in days}
    found: list[tuple[dt.datetime, str, str]] = []
    length, (earliest, latest) = rules.length, _window(rules, now)
    for schedule in schedules:
        blocked = Timeline([*blocked_spans(schedule.busy, rules), *schedule.off])
        for day in days:
            for start in candidate_starts(schedule.hours, day, rules, zone, offsets[day]):
                end = start + length
                if start < earliest or start > latest or not blocked.is_free(start, end):
                    continue
                if client is not None and not client.allows(start, end, zone):
                    continue
                if rooms is not None and not any(room.is_free(start, end) for room in rooms):
                    continue
                found.append((start, schedule.therapist_name, schedule.therapist_id))
    found.sort()
    return [Slot(start.astimezone(zone), (start + length).astimezone(zone), tid, name)
            for start, name, tid in found]


def start_problem(hours: Iterable[Hours], rules: Rules, start: dt.datetime, zone: ZoneInfo) -> str | None:
    """Why `start` is not a slot start of these hours (OUTSIDE_HOURS or NOT_ALIGNED), or None when it is."""
    hours = tuple(hours)
    local = start.astimezone(zone)
    wanted = start.astimezone(UTC)
    if any(c == wanted for c in candidate_starts(hours, local.date(), rules, zone)):
        return None
    wall = local.replace(tzinfo=None)
    day = local.date()
    fits = any(
        h.weekday == day.weekday() and dt.datetime.combine(day, h.start) <= wall
        and wall + rules.length <= dt.datetime.combine(day, h.end)
        for h in hours)
    return NOT_ALIGNED if fits else OUTSIDE_HOURS


def working_time(hours: Iterable[Hours], first: dt.date, last: dt.date, zone: ZoneInfo,
                 off: Iterable[Span] = ()) -> dt.timedelta:
    """Real time inside the weekly hours from local day `first` to `last`, minus the off spans (DST-correct)."""
    hours, blocked = tuple(hours), Timeline(off)
    total = dt.timedelta(0)
    for n in range((last - first).days + 1):
        day = first + dt.timedelta(days=n)
        for interval in hours:
            if interval.weekday == day.weekday():
                since = dt.datetime.combine(day, interval.start).replace(tzinfo=zone, fold=0).astimezone(UTC)
                until = dt.datetime.combine(day, interval.end).replace(tzinfo=zone, fold=0).astimezone(UTC)
                total += (until - since) - blocked.overlap(since, until)
    return total
