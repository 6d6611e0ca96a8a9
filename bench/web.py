"""Item 9: web's pages under load — views per second of the calendar week and of a client file at 8 staff
users (each signed in through /signin, keeping its cookie), and the time web adds to the API calls a page
makes (its `Server-Timing: api;dur=…, app;dur=…` header: `app` is web's own share).

The staff reach web directly, as the production Ingress sends them (web still makes every API call through
the gateway). Through the gateway's page forwarding (compose, `make run`) each page holds a gateway thread
while web's own API calls need more of them: with as many pages in flight as the gateway has threads, the
API calls wait until the gateway's upstream timeout. That path measures the gateway's thread count, not web.
"""
from __future__ import annotations

import datetime as dt
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from devstack import demo
from devstack.demo_families import FAMILIES, IN_THERAPY
from devstack.seed import DEMO_PASSWORD, Api
from tests.faults.checker import percentiles

from bench.figures import Results

SECTION = "9 web"
USERS = 8
# What one view of each page fetches, in order (the calendar page then loads its week of events). Placeholders
# are filled by `context`: the Monday of next week (the demo centre's sessions fill it) and a client in therapy.
VIEWS: dict[str, tuple[str, list[str]]] = {
    "calendar": ("calendar week (page + events)", ["/staff/calendar?view=timeGridWeek&date={monday}",
                                                   "/staff/calendar/events?start={monday}&end={next_monday}"]),
    "client": ("client file", ["/staff/clients/{client_id}"]),
}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_TIMING = re.compile(r"(\w+);dur=([0-9.]+)")


@dataclass
class Sample:
    """One page answer: its wall time and web's own Server-Timing split."""

    seconds: float
    status: int
    timing: dict[str, float] = field(default_factory=dict)  # "api" and "app", milliseconds


def server_timing(header: str) -> dict[str, float]:
    """'api;dur=12.5, app;dur=3.1' -> {'api': 12.5, 'app': 3.1}."""
    return {name: float(value) for name, value in _TIMING.findall(header or "")}


class StaffUser:
    """One person at the desk: a browser-like session signed in through the sign-in page."""

    def __init__(self, base_url: str, email: str, password: str) -> None:
        self.base = base_url.rstrip("/")
        self.session = requests.Session()
        form = self.session.get(f"{self.base}/signin", timeout=30)
        token = _CSRF.search(form.text)
        if form.status_code != 200 or token is None:
            raise RuntimeError(f"no sign-in form at {self.base}/signin ({form.status_code})")
        answer = self.session.post(f"{self.base}/signin", timeout=30, allow_redirects=False, data={
            "csrf_token": token.group(1), "email": email, "password": password, "next": ""})
        if answer.status_code != 302:
            raise RuntimeError(f"signing in {email} failed: {answer.status_code}")

    def view(self, paths: list[str]) -> list[Sample]:
        """Fetch the page and what it loads, one after the other as a browser would."""
        samples = []
        for path in paths:
            started = time.perf_counter()
            answer = self.session.get(self.base + path, timeout=60, allow_redirects=False)
            samples.append(Sample(time.perf_counter() - started, answer.status_code,
                                  server_timing(answer.headers.get("Server-Timing", ""))))
        return samples


@dataclass
class Load:
    """Views completed by every user in `seconds`, and each answer behind them."""

    views: list[float] = field(default_factory=list)  # seconds per view
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.views) / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> dict[int, int]:
        """Answers that were not a 200 page, by status."""
        return dict(Counter(s.status for s in self.samples if s.status != 200))

    def timing_p50(self, part: str) -> float:
        values = [s.timing[part] for s in self.samples if part in s.timing]
        return statistics.median(values) if values else float("nan")


def load(users: list[StaffUser], paths: list[str], seconds: float) -> Load:
    """Every user views the page back to back (no think time) for `seconds`."""
    result, lock, start = Load(), threading.Lock(), threading.Barrier(len(users) + 1)

    def browse(user: StaffUser) -> None:
        start.wait()
        while time.monotonic() < deadline:
            samples = user.view(paths)
            with lock:
                result.views.append(sum(s.seconds for s in samples))
                result.samples.extend(samples)

    threads = [threading.Thread(target=browse, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    began = time.monotonic()
    start.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    return result


def staff_users(base_url: str, admin: Api, count: int) -> list[StaffUser]:
    """`count` front-desk accounts of the benchmark's own, each signed in through the pages."""
    known = {u["email"] for u in admin.get("/users")}
    people = []
    for n in range(1, count + 1):
        email = f"desk{n}@bench.sunnysteps.example"
        if email not in known:
            admin.post("/users", {"email": email, "name": f"Bench Desk {n}", "role": "front_desk",
                                  "password": DEMO_PASSWORD})
        people.append(StaffUser(base_url, email, DEMO_PASSWORD))
    return people


def context(base_url: str, admin: Api) -> dict[str, str]:
    """The living demo centre (seeded if absent) and what the pages show of it: next week, a client in therapy."""
    demo.seed_demo(base_url)
    family = next(f for f in FAMILIES if f.stage == IN_THERAPY and not f.online)
    [client] = admin.get("/clients", guardian_email=family.email)
    today = dt.date.today()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return {"monday": monday.isoformat(), "next_monday": (monday + dt.timedelta(days=7)).isoformat(),
            "client_id": client["id"]}


def measure(results: Results, base_url: str, admin: Api, fill: dict[str, str], *, runs: int,
            seconds: float) -> None:
    """Views per second at USERS staff users per page, and web's own time (p50) under that load and alone."""
    users = staff_users(base_url, admin, USERS)
    for _ in range(runs):
        alone: list[Sample] = []
        for name, (label, templates) in VIEWS.items():
            paths = [template.format(**fill) for template in templates]
            busy = load(users, paths, seconds)
            if busy.failed:
                results.notes.append(f"web {label}: {sum(busy.failed.values())} of {len(busy.samples)} answers "
                                     f"were not 200 (by status: {busy.failed})")
            results.add(SECTION, f"web.{name}.per_s", f"{label}, {USERS} staff users", "views/s", busy.per_second)
            p50, p99 = percentiles(busy.views)
            results.add(SECTION, f"web.{name}.p50", f"{label}, {USERS} staff users: p50", "ms", p50)
            results.add(SECTION, f"web.{name}.p99", f"{label}, {USERS} staff users: p99", "ms", p99)
            results.add(SECTION, f"web.{name}.app_busy", f"{label}, {USERS} staff users: web's own time p50", "ms",
                        busy.timing_p50("app"))
            alone += load(users[:1], paths, max(1.0, seconds / 2)).samples
        quiet = Load(samples=alone)
        results.add(SECTION, "web.api.p50", "1 staff user: time in API calls per answer, p50", "ms",
                    quiet.timing_p50("api"))
        results.add(SECTION, "web.app.p50", "1 staff user: time web adds per answer (Server-Timing app), p50", "ms",
                    quiet.timing_p50("app"))
