"""Item 10: a flood of anonymous logins must not take the system from the people signed in.

Argon2 costs a core for tens of milliseconds per password, by design. The security review measured a
signed-in user's p50 going from 4 ms to 915 ms under 16 parallel anonymous logins; the gateway now hashes
LOGIN_CONCURRENCY passwords at a time per process (gateway.passwords). Here: one signed-in person reads their
calendar's appointments one request after another, first alone, then while 16 visitors keep trying wrong
passwords (each from an address of its own, so the login brakes never stop them: this measures the CPU bound,
not the brakes). Target: the signed-in p50 stays within 2× of its idle value.
"""
from __future__ import annotations

import itertools
import random
import threading
import time

import requests

from devstack.seed import Api
from tests.faults.checker import percentiles

from bench.figures import Results

SECTION = "10 logins"
FLOOD = 16


def _signed_in_latencies(api: Api, seconds: float) -> list[float]:
    """One person's requests, back to back, for `seconds`: each one's wall time."""
    latencies, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        resp = api.request("GET", "/appointments", params={"limit": 20})
        latencies.append(time.perf_counter() - started)
        resp.raise_for_status()
    return latencies


def _guess(base_url: str, stop: threading.Event, answers: list[int]) -> None:
    """A visitor trying wrong passwords as fast as it is answered, from a new address each time."""
    session = requests.Session()
    for n in itertools.count():
        if stop.is_set():
            return
        address = f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
        resp = session.post(f"{base_url}/api/v1/auth/login", timeout=30,
                            json={"email": f"nobody{n}@example.org", "password": "not the password"},
                            headers={"X-Forwarded-For": address})  # believed: the bench calls from this machine
        answers.append(resp.status_code)


def measure(results: Results, base_url: str, api: Api, *, runs: int, seconds: float) -> None:
    for _ in range(runs):
        idle = percentiles(_signed_in_latencies(api, seconds))[0]
        stop, answers = threading.Event(), []
        visitors = [threading.Thread(target=_guess, args=(base_url, stop, answers), daemon=True)
                    for _ in range(FLOOD)]
        for visitor in visitors:
            visitor.start()
        time.sleep(1.0)  # let the flood reach its pace before measuring (a warm-up, not a wait for an outcome)
        started, before = time.monotonic(), len(answers)
        flooded = percentiles(_signed_in_latencies(api, seconds))[0]
        logins_per_s = (len(answers) - before) / (time.monotonic() - started)
        stop.set()
        for visitor in visitors:
            visitor.join(timeout=35)
        refused = {code for code in answers if code not in (401, 503)}
        if refused:  # a 503 is the bound at work (no hashing turn in time); anything else is a fault
            results.notes.append(f"anonymous logins answered {sorted(refused)} (expected 401, or 503 when busy)")
        results.add(SECTION, "logins.idle.p50", "a signed-in person's request, alone: p50", "ms", idle)
        results.add(SECTION, "logins.flood.p50", f"the same during {FLOOD} parallel anonymous logins: p50", "ms",
                    flooded)
        results.add(SECTION, "logins.flood.per_s", f"anonymous login attempts answered per second ({FLOOD} visitors)",
                    "logins/s", logins_per_s)
    results.ratio(SECTION, "logins.ratio", "signed-in p50 during the flood ÷ alone", "logins.flood.p50",
                  "logins.idle.p50")
