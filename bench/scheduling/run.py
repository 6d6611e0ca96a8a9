"""Scheduling benchmark (not a test): a generated center of 25 therapists, 10 service types and 20,000
appointments on a scratch PostgreSQL database.

  1. month-long slot search for one service, in-process (target: p95 under 50 ms);
  2. booking through a running gateway + booking at 50 concurrent clients (target: p99 under 50 ms).

    .venv/bin/python bench/scheduling/run.py [--runs 200] [--clients 50] [--seconds 20] [--skip-gateway]

PostgreSQL comes from TEST_DATABASE_URL or the local server (servicekit.testing.infra); the scratch databases
are dropped at the end.
"""
from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from booking import availability
from booking.config import BookingSettings
from booking.service import SPEC
from servicekit import migrations
from servicekit.db import Database, utcnow
from servicekit.testing import infra

sys.path.insert(0, str(Path(__file__).parent))
import center as generated  # noqa: E402 - the bench's own modules, next to this script
import load  # noqa: E402

SEARCH_TARGET_MS, BOOKING_TARGET_MS = 50.0, 50.0


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`, in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def verdict(value: float, target: float) -> str:
    """HELD when the measured figure is under the target."""
    return "HELD" if value < target else "NOT HELD"


def next_monday(zone) -> dt.date:
    """The Monday after today, center-local."""
    today = dt.datetime.now(zone).date()
    return today + dt.timedelta(days=7 - today.weekday())


def search_once(db: Database, settings: BookingSettings, args: dict) -> int:
    """One slot search in its own transaction; the number of free slots."""
    with db.transaction() as session:
        return len(availability.find_slots(session, args, None, settings, utcnow()))


def bench_search(db: Database, settings: BookingSettings, runs: int) -> tuple[list[float], int, dict]:
    """Time `runs` month-long searches for service B04 (10 therapists) through availability.find_slots."""
    first = next_monday(settings.zone)
    args = {"service_code": "B04", "first": first, "last": first + dt.timedelta(days=30), "therapist_id": None,
            "client_id": None}
    found = search_once(db, settings, args)  # warm-up: connections, caches
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        search_once(db, settings, args)
        timings.append(time.perf_counter() - began)
    return timings, found, args


def bench_http_search(settings: BookingSettings, args: dict, runs: int) -> list[float]:
    """The same search as GET /api/v1/slots through the Flask app in-process (adds routing and JSON)."""
    app = SPEC.create_app(settings)
    client = app.test_client()
    query = {"service_code": args["service_code"], "from": args["first"].isoformat(), "to": args["last"].isoformat()}
    client.get("/api/v1/slots", query_string=query)
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        assert client.get("/api/v1/slots", query_string=query).status_code == 200
        timings.append(time.perf_counter() - began)
    app.extensions["servicekit.db"].dispose()
    return timings


def bookable_slots(db: Database, settings: BookingSettings) -> list[dict]:
    """Free, mutually compatible slots of every service without a room, over the next three months, shuffled."""
    first = next_monday(settings.zone)
    slots = []
    for code, *_rest, room_type in generated.SERVICE_TYPES:
        if room_type:
            continue
        for offset in (0, 31, 62):
            args = {"service_code": code, "first": first + dt.timedelta(days=offset),
                    "last": first + dt.timedelta(days=offset + 30), "therapist_id": None, "client_id": None}
            with db.transaction() as session:
                for slot in availability.find_slots(session, args, None, settings, utcnow()):
                    slots.append({"service_code": code, "start": slot.start.isoformat(), "start_dt": slot.start,
                                  "end_dt": slot.end, "therapist_id": slot.therapist_id})
    chosen = load.spread(slots, dt.timedelta(minutes=15))
    random.Random(7).shuffle(chosen)
    return chosen


def report_booking(label: str, result: load.Result) -> None:
    """Print one booking run next to the target."""
    if not result.latencies:
        print(f"  {label}: no free slot left to book (lower --seconds)")
        return
    p99 = pct(result.latencies, 99)
    print(f"  {label}: {len(result.latencies)} requests in {result.elapsed:.1f}s "
          f"({len(result.latencies) / result.elapsed:.0f}/s), statuses {dict(sorted(result.statuses.items()))}")
    print(f"    p50 {pct(result.latencies, 50):6.1f} ms   p95 {pct(result.latencies, 95):6.1f} ms   "
          f"p99 {p99:6.1f} ms   target p99 < {BOOKING_TARGET_MS:.0f} ms: {verdict(p99, BOOKING_TARGET_MS)}")


def bench_gateway(opts, admin_url: str, booking_url: str, db: Database, settings: BookingSettings) -> None:
    """Start gateway + booking on the bench database and time bookings through them."""
    gateway_db = f"bench_gateway_{uuid.uuid4().hex[:8]}"
    gateway_url = infra.create_database(admin_url, gateway_db)
    slots = load.SlotQueue(bookable_slots(db, settings))
    with tempfile.TemporaryDirectory(prefix="bench-") as var_dir:
        system = load.GatewayAndBooking(Path(var_dir), booking_url, gateway_url, opts.workers, opts.threads)
        try:
            system.start()
        except Exception as exc:  # noqa: BLE001 - report and skip: the in-process figures still stand
            print(f"  SKIPPED: could not start gateway + booking ({exc.__class__.__name__}: {str(exc)[:300]})")
            system.stop()
            infra.drop_database(admin_url, gateway_db)
            return
        try:
            load.run_clients(system.url, slots, opts.clients, 3.0, None)  # warm-up, not reported
            paced = load.run_clients(system.url, slots, opts.clients, opts.seconds, opts.pace)
            report_booking(f"{opts.clients} clients, one booking each every {opts.pace:g}s", paced)
            closed = load.run_clients(system.url, slots, opts.clients, opts.seconds, None)
            report_booking(f"{opts.clients} clients back to back (closed loop)", closed)
        finally:
            system.stop()
            infra.drop_database(admin_url, gateway_db)


def options() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200, help="slot searches to time (default 200)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent booking clients (default 50)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each booking run (default 20)")
    parser.add_argument("--pace", type=float, default=1.0, help="seconds between a paced client's bookings")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per process (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (default 8)")
    parser.add_argument("--skip-gateway", action="store_true", help="only the in-process slot search")
    return parser.parse_args()


def report_search(db: Database, settings: BookingSettings, runs: int) -> None:
    """Time the slot search, in-process and through the Flask app, and print both next to the target."""
    timings, found, args = bench_search(db, settings, runs)
    p95 = pct(timings, 95)
    print(f"Slot search, in-process (availability.find_slots), service B04, {args['first']} to {args['last']}, "
          f"{found} free slots, {runs} runs:")
    print(f"    p50 {pct(timings, 50):6.1f} ms   p95 {p95:6.1f} ms   "
          f"target p95 < {SEARCH_TARGET_MS:.0f} ms: {verdict(p95, SEARCH_TARGET_MS)}")
    http = bench_http_search(settings, args, max(20, runs // 2))
    print(f"  the same as GET /api/v1/slots in-process (routing + JSON): p50 {pct(http, 50):.1f} ms   "
          f"p95 {pct(http, 95):.1f} ms")


def main() -> None:
    """Build the center on a scratch database, run both measurements, drop the database."""
    opts = options()
    admin_url = infra.postgres_admin_url()
    name = f"bench_booking_{uuid.uuid4().hex[:8]}"
    booking_url = infra.create_database(admin_url, name)
    db = None
    try:
        migrations.upgrade(SPEC.package_dir, booking_url)
        settings = SPEC.settings(database_url=booking_url, log_format="text", log_level="WARNING")
        db = Database(booking_url, "booking")
        began = time.monotonic()
        with db.transaction() as session:
            center, count = generated.build(session, settings.zone)
        print(f"Scheduling benchmark on {platform.node()} ({platform.machine()}, Python {platform.python_version()})")
        print(f"  center: {len(center.therapists)} therapists, {len(center.services)} service types, "
              f"{count} appointments (built in {time.monotonic() - began:.1f}s)")
        report_search(db, settings, opts.runs)
        print("Booking through the gateway (POST /api/v1/appointments, distinct free slots):")
        if opts.skip_gateway:
            print("  SKIPPED (--skip-gateway)")
        else:
            bench_gateway(opts, admin_url, booking_url, db, settings)
    finally:
        if db is not None:
            db.dispose()
        infra.drop_database(admin_url, name)


if __name__ == "__main__":
    main()
