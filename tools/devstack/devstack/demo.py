"""The living demo centre `make run` seeds after the base one, so every screen has something to show.

A dozen families at each stage of the workflow (a new inquiry, quoted, signed, in therapy, invoiced, paid,
overdue), their weekly sessions from today to the end of next month across the three therapists, a package
being used up, and a wait list. Everything goes through the public API as the front desk, the families, the
therapists and the biller would do it, dated from the day it runs.

Idempotent: the demo's families are recognised by their guardians' e-mails (on DEMO_DOMAIN) and each step
is taken only when the API shows it has not been taken, so a second run adds nothing and an interrupted one
finishes. DEMO_DATA=off starts the system empty instead (no demo at all: a real centre's first start).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping
from zoneinfo import ZoneInfo

from devstack import demo_steps as steps
from devstack.demo_families import FAMILIES, WAIT_LIST, Waiting
from devstack.demo_steps import Centre, Progress
from devstack.seed import DEMO_PASSWORD, STAFF, THERAPISTS, Api

SETTING = "DEMO_DATA"
OFF = ("off", "0", "false", "no")


def enabled(environ: Mapping[str, str]) -> bool:
    """Whether `make run` seeds the demo centre (DEMO_DATA, default on; `off` starts the system empty)."""
    return (environ.get(SETTING) or "on").strip().lower() not in OFF


@dataclass
class Summary:
    """What the demo holds after a run, and what this run added."""

    families: Counter = field(default_factory=Counter)  # stage -> families
    sessions_booked: int = 0
    wait_list_added: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        stages = ", ".join(f"{count} {stage.replace('_', ' ')}" for stage, count in self.families.items())
        added = (f"{self.sessions_booked} sessions and {self.wait_list_added} wait-list entries added"
                 if self.sessions_booked or self.wait_list_added else "nothing new: already seeded")
        return "\n".join([f"Demo centre: {sum(self.families.values())} families ({stages}); {added}."]
                         + [f"  note: {note}" for note in self.notes])


def _login(base_url: str, role: str) -> Api:
    person = next(p for p in STAFF if p["role"] == role)
    return Api(base_url, person["email"], DEMO_PASSWORD)


def open_centre(base_url: str) -> Centre:
    """The people who act in the demo (the base seed's logins) and the centre's clock."""
    desk = _login(base_url, "front_desk")
    ids = {t["name"]: t["id"] for t in desk.get("/therapists")}
    therapists = {spec["service_codes"][0]: (ids[spec["name"]], Api(base_url, spec["email"], DEMO_PASSWORD))
                  for spec in THERAPISTS}
    calendar = desk.request("GET", "/calendar", params={"view": "day"})
    calendar.raise_for_status()
    zone = ZoneInfo(calendar.json()["timezone"])
    return Centre(desk=desk, biller=_login(base_url, "biller"), public=Api(base_url), therapists=therapists,
                  zone=zone, now=dt.datetime.now(zone))


def seed_demo(base_url: str) -> Summary:
    """Bring every demo family to its stage and fill the wait list; returns what the demo holds."""
    centre, summary = open_centre(base_url), Summary()
    people = [Progress(family) for family in FAMILIES]
    # Step by step across all families, so each wait for another service's event overlaps the others'.
    for step in (steps.register, steps.book, steps.find_opportunity, steps.quote, steps.sign, steps.therapy):
        for progress in people:
            step(centre, progress)
    # Invoices in date order: numbers must follow dates, so the earliest-dated invoice is issued first.
    billed = sorted((p for p in people if p.family.invoice_days_ago is not None),
                    key=lambda p: -(p.family.invoice_days_ago or 0))
    for progress in billed:
        steps.invoice(centre, progress, summary.notes)
        steps.pay(centre, progress)
    summary.wait_list_added = sum(_join_wait_list(centre, waiting) for waiting in WAIT_LIST)
    summary.sessions_booked = sum(p.booked for p in people)
    summary.families.update(_where(p) for p in people)
    return summary


def _where(p: Progress) -> str:
    """The family's place in the workflow as the screens show it (a settled package is still in therapy)."""
    if p.invoice is None or p.family.stage != "done":
        return p.family.stage
    if p.invoice.get("overdue"):
        return "overdue"
    return {"paid": "paid", "partially_paid": "partly paid"}.get(p.invoice["status"], "invoiced")


def _join_wait_list(c: Centre, w: Waiting) -> bool:
    """A family asks (on the public page) to be offered an earlier slot; once."""
    waiting = c.desk.get("/waitlist", service_code=w.service)
    if any(entry["guardian"]["email"] == w.email for entry in waiting):
        return False
    first, last = w.guardian.split(" ", 1)
    c.public.post("/waitlist", {
        "service_code": w.service, "client": {"first_name": w.child, "last_name": w.last_name,
                                              "birth_date": w.birth_date},
        "guardian": {"first_name": first, "last_name": last, "email": w.email},
        "therapist_id": c.therapists[w.service][0] if w.with_therapist else None,
        "windows": [{"weekday": day, "start": start, "end": end} for day, start, end in w.windows]})
    return True
