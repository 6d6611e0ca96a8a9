"""Item 2: booking through the gateway (slot search + book of distinct slots) at several client counts."""
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import requests

from bench import loadgen
from bench.environment import CpuMeter, System, component
from bench.figures import Results

SECTION = "2 booking"
CODES = ("OT", "ST", "PT")
WEEKDAYS_9_TO_5 = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]


class SlotPool:
    """Every free slot of the bench therapists, shuffled, in a file locust reads; handed out once each."""

    def __init__(self, path: Path, slots: list[dict]) -> None:
        self.path, self.slots, self.offset = path, slots, 0
        path.write_text(json.dumps(slots))

    @property
    def left(self) -> int:
        return len(self.slots) - self.offset

    def take(self, count: int) -> list[dict]:
        """Slots for another driver (workflows), never handed to locust."""
        chunk = self.slots[self.offset:self.offset + count]
        self.offset += len(chunk)
        return chunk

    @property
    def state(self) -> Path:
        return self.path.with_suffix(".position")

    def env(self) -> dict[str, str]:
        return {"BENCH_SLOTS": str(self.path), "BENCH_SLOT_OFFSET": str(self.offset),
                "BENCH_SLOT_STATE": str(self.state)}


def create_therapists(system: System, count: int) -> None:
    """Therapists spread over the three services, Monday–Friday 9–17 (8 one-hour slots a day each)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {system.admin_token()}"
    for n in range(count):
        resp = session.post(f"{system.url}/api/v1/therapists", timeout=10, json={
            "name": f"Bench Therapist {n}", "service_codes": [CODES[n % 3]], "working_hours": WEEKDAYS_9_TO_5})
        resp.raise_for_status()


def slot_pool(system: System, path: Path, weeks: int) -> SlotPool:
    """Free slots of every therapist from next Monday on, `weeks` weeks (≤ 8: one search covers ≤ 62 days)."""
    first = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    last = first + dt.timedelta(weeks=weeks, days=-1)
    slots = []
    for code in CODES:
        resp = requests.get(f"{system.url}/api/v1/slots", timeout=60, params={
            "service_code": code, "from": first.isoformat(), "to": last.isoformat()})
        resp.raise_for_status()
        slots += [{"start": s["start"], "therapist_id": s["therapist_id"], "service_code": code} for s in resp.json()]
    random.Random(7).shuffle(slots)
    return SlotPool(path, slots)


def run_load(system: System, pool: SlotPool, users: int, seconds: float) -> dict[str, loadgen.Load]:
    """One locust run of BookingUser; the slots it consumed are not handed out again."""
    loads = loadgen.locust(system.url, "BookingUser", users=users, seconds=seconds, env=pool.env())
    pool.offset = int(pool.state.read_text())
    return loads


def _record(results: Results, key: str, label: str, loads: dict[str, loadgen.Load], busy: float) -> None:
    total, booked = loads["Aggregated"], loads.get("POST /appointments")
    results.add(SECTION, f"{key}.rps", f"{label}: requests/s", "req/s", total.rps)
    results.add(SECTION, f"{key}.bookings", f"{label}: bookings/s", "/s", booked.rps if booked else 0)
    for name in ("p50", "p95", "p99"):
        results.add(SECTION, f"{key}.{name}", f"{label}: {name}", "ms", getattr(total, f"{name}_ms"))
    for request, short in (("GET /slots", "search"), ("POST /appointments", "book")):
        if request in loads:
            results.add(SECTION, f"{key}.{short}_p50", f"{label}: {short} p50", "ms", loads[request].p50_ms)
    results.add(SECTION, f"{key}.errors", f"{label}: failed requests", "count", total.errors)
    results.add(SECTION, f"{key}.cpu", f"{label}: machine CPU busy", "%", busy)
    results.notes += [f"booking, {label}: {n} × {why}" for why, n in total.failures.items()]


def measure(results: Results, system: System, pool: SlotPool, *, levels: list[int], runs: int,
            seconds: float) -> None:
    """Each client count `runs` times; the system drains its events before each run."""
    checker = system.checker()
    for users in levels:
        for _ in range(runs):
            checker.wait_quiet(600)
            cpu = CpuMeter()
            loads = run_load(system, pool, users, seconds)
            _record(results, f"booking.c{users}", f"{users} clients", loads, cpu.busy())
    if 16 in levels:
        results.ratio(SECTION, "booking.c16.ratio", "16 clients ÷ bare INSERT + COMMIT (both locust, 16 clients)",
                      "booking.c16.rps", "base.insert_locust.rps")
        request_path_alone(results, system, pool, runs=runs, seconds=seconds)


def request_path_alone(results: Results, system: System, pool: SlotPool, *, runs: int, seconds: float) -> None:
    """16 clients while every consumer is stopped: what the requests cost without the events they cause
    (crm's client and opportunity, the e-mail, ...), which otherwise run on the same two cores."""
    consumers = sorted({p.name for p in system.stack.supervisor.processes if p.name.endswith("-consumer")})
    for _ in range(runs):
        system.checker().wait_quiet(600)
        for name in consumers:
            system.stop_processes(name)
        try:
            cpu = CpuMeter()
            loads = run_load(system, pool, 16, seconds)
        finally:
            for name in consumers:
                system.start_processes(component(name.rsplit("-", 1)[0]), "consumer", 1)
        _record(results, "booking.c16_alone", "16 clients, consumers stopped", loads, cpu.busy())
    system.checker().wait_quiet(600)
