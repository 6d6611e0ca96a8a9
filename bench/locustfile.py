"""Locust users driving the system through the gateway (run headless by bench.loadgen, one process).

BookingUser: a family's slot search followed by booking a slot nobody else books (distinct slots from the
pool file BENCH_SLOTS, starting at BENCH_SLOT_OFFSET; the position reached is written to BENCH_SLOT_STATE).
InsertUser: the bare INSERT + COMMIT baseline.
"""
from __future__ import annotations

import itertools
import json
import os
import uuid

from locust import FastHttpUser, events, task
from locust.exception import StopUser

_SLOTS: list[dict] = json.loads(open(os.environ["BENCH_SLOTS"]).read()) if os.environ.get("BENCH_SLOTS") else []
_NEXT = itertools.count(int(os.environ.get("BENCH_SLOT_OFFSET", "0")))


def next_slot() -> dict:
    """The next unbooked slot of the pool (greenlets of one process: no lock needed)."""
    index = next(_NEXT)
    if index >= len(_SLOTS):
        raise StopUser()
    return _SLOTS[index]


@events.quitting.add_listener
def _save_position(**_: object) -> None:
    """Tell the benchmark how far into the pool this run went (BENCH_SLOT_STATE), so no slot is reused."""
    if os.environ.get("BENCH_SLOT_STATE"):
        with open(os.environ["BENCH_SLOT_STATE"], "w") as state:
            state.write(str(next(_NEXT)))


class BookingUser(FastHttpUser):
    """Search the day's free slots of a therapist, then book one (expects 201: every slot is distinct)."""

    @task
    def search_and_book(self) -> None:
        slot = next_slot()
        day = slot["start"][:10]
        self.client.get(f"/api/v1/slots?service_code={slot['service_code']}&from={day}&to={day}"
                        f"&therapist_id={slot['therapist_id']}", name="GET /slots")
        tag = uuid.uuid4().hex[:10]
        body = {"service_code": slot["service_code"], "start": slot["start"], "therapist_id": slot["therapist_id"],
                "client": {"first_name": "Bench", "last_name": f"Family-{tag}"},
                "guardian": {"first_name": "Guard", "last_name": tag, "email": f"bench-{tag}@example.org"}}
        with self.client.post("/api/v1/appointments", json=body, name="POST /appointments",
                              catch_response=True) as resp:
            if resp.status_code != 201:
                resp.failure(f"booking answered {resp.status_code}: {(resp.text or '')[:160]}")


class InsertUser(FastHttpUser):
    """The baseline: one INSERT + COMMIT behind a bare gunicorn + Flask endpoint."""

    @task
    def insert(self) -> None:
        self.client.post("/insert", json={"note": "bench"}, name="POST /insert")
