"""One family's way through the centre, step by step, each step done only when the API shows it is not done yet.

The calls are the ones the front desk, the family, the therapist and the biller make; events carry the rest
(a booking opens the opportunity, a signature creates the task, a completed task becomes billable), so a step
that needs another service's news waits for it a moment.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

from devstack.demo_families import DONE, IN_THERAPY, NOTES, QUOTED, SIGNED, Family
from devstack.seed import Api

WAIT_SECONDS = 45.0  # for another service to hear of a step (milliseconds normally; generous on a busy machine)


@dataclass
class Centre:
    """Who acts in the demo and when it is: the staff logins, the public, the centre's clock."""

    desk: Api
    biller: Api
    public: Api
    therapists: dict[str, tuple[str, Api]]  # service code -> (therapist id, the therapist's own login)
    zone: ZoneInfo
    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return self.now.date()


@dataclass
class Progress:
    """What the API shows of one family so far."""

    family: Family
    client_id: str | None = None
    opportunity_id: str | None = None
    quotation: dict | None = None
    token: str | None = None
    task: dict | None = None
    invoice: dict | None = None
    booked: int = 0  # sessions this run booked


def eventually(probe: Callable[[], Any], what: str, timeout: float = WAIT_SECONDS) -> Any:
    """`probe()`'s first truthy answer, polled until `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise RuntimeError(f"demo: timed out waiting for {what}")
        time.sleep(0.1)


def _child(f: Family) -> dict:
    return {"first_name": f.child, "last_name": f.last_name, "birth_date": f.birth_date}


def _guardian(f: Family) -> dict:
    first, last = f.guardian.split(" ", 1)
    return {"first_name": first, "last_name": last, "email": f.email, "phone": f.phone}


def _find_client(c: Centre, f: Family) -> str | None:
    return next((x["id"] for x in c.desk.get("/clients", guardian_email=f.email) if x["first_name"] == f.child),
                None)


def register(c: Centre, p: Progress) -> None:
    """The front desk registers the family (an online family registers itself by booking)."""
    p.client_id = _find_client(c, p.family)
    if p.client_id is None and not p.family.online:
        p.client_id = c.desk.post("/clients", {**_child(p.family), "guardians": [_guardian(p.family)]})["id"]


def end_of_next_month(day: dt.date) -> dt.date:
    """The last day of the month after `day`'s (the demo's weekly sessions run until then)."""
    first_after = (day.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
    return first_after - dt.timedelta(days=1)


def candidate_starts(c: Centre, f: Family):
    """The family's usual weekly time first, then the other hours of that weekday, then the other weekdays."""
    for weekday in [f.weekday] + [d for d in range(5) if d != f.weekday]:
        for hour in [f.hour] + [h for h in range(9, 17) if h != f.hour]:
            day = c.today + dt.timedelta(days=(weekday - c.today.weekday()) % 7)
            start = dt.datetime.combine(day, dt.time(hour), tzinfo=c.zone)
            yield start if start > c.now + dt.timedelta(hours=2) else start + dt.timedelta(days=7)


def book(c: Centre, p: Progress) -> None:
    """Weekly sessions booked by the front desk, or the online family's first session from the public page."""
    f = p.family
    if f.online:
        if p.client_id is None:
            _book_online(c, p)
        return
    if c.desk.get("/appointments", client_id=p.client_id):
        return
    therapist_id = c.therapists[f.service][0]
    for start in candidate_starts(c, f):
        body = {"service_code": f.service, "therapist_id": therapist_id, "start": start.isoformat(),
                "every_weeks": 1, "client": _child(f), "guardian": _guardian(f), "client_id": p.client_id}
        body.update({"count": f.weeks} if f.weeks else {"until": end_of_next_month(c.today).isoformat()})
        resp = c.desk.request("POST", "/appointment-series", json=body)
        if resp.status_code == 201 and resp.json()["booked"]:
            p.booked = len(resp.json()["booked"])
            return
        if resp.status_code not in (201, 409, 422):
            raise RuntimeError(f"demo: booking {f.child} {f.last_name} failed: {resp.status_code} {resp.text}")
    raise RuntimeError(f"demo: no free weekly time for {f.child} {f.last_name}")


def _book_online(c: Centre, p: Progress) -> None:
    f = p.family
    first, last = c.today + dt.timedelta(days=1), c.today + dt.timedelta(days=8)
    resp = c.public.request("GET", "/slots", params={"service_code": f.service, "from": first.isoformat(),
                                                    "to": last.isoformat(), "therapist_id": c.therapists[f.service][0]})
    resp.raise_for_status()
    slots = resp.json()
    if not slots:
        raise RuntimeError(f"demo: no free {f.service} slot next week for {f.child} {f.last_name}")
    wanted = [s for s in slots if dt.datetime.fromisoformat(s["start"]).astimezone(c.zone).hour == f.hour]
    slot = (wanted or slots)[0]
    c.public.post("/appointments", {"service_code": f.service, "start": slot["start"],
                                    "therapist_id": slot["therapist_id"], "client": _child(f),
                                    "guardian": _guardian(f)})
    p.booked = 1
    p.client_id = eventually(lambda: _find_client(c, f), f"the CRM to register {f.child} {f.last_name}")


def find_opportunity(c: Centre, p: Progress) -> None:
    """The family's inquiry, opened by the CRM from their first booking."""
    found = eventually(lambda: c.desk.get("/opportunities", client_id=p.client_id),
                       f"the opportunity of {p.family.child} {p.family.last_name}")
    p.opportunity_id = found[-1]["id"]  # newest first: the first inquiry is the last


def quote(c: Centre, p: Progress) -> None:
    """The front desk drafts the quotation and sends it (the family gets the link by e-mail)."""
    if not p.family.reached(QUOTED):
        return
    found = c.desk.get("/quotations", opportunity_id=p.opportunity_id)
    quotation = found[0] if found else eventually(lambda: _draft(c, p), "sales to hear of the opportunity")
    if quotation["status"] == "draft":
        quotation = eventually(lambda: _send(c, quotation["id"]), "sales to hear of the family's e-mail")
        p.token = _token(quotation["share_url"])
    p.quotation = quotation


def _draft(c: Centre, p: Progress) -> dict | None:
    f = p.family
    lines = []
    for kind, quantity in f.lines:
        line = {"service_code": f.service, "quantity": quantity}
        if kind == "package":
            line["price_item_id"] = c.desk.get("/price-list", service_code=f.service, kind="package",
                                               active="true")[0]["id"]
        lines.append(line)
    resp = c.desk.request("POST", "/quotations", json={"opportunity_id": p.opportunity_id, "lines": lines})
    if resp.status_code == 422 and "opportunity_id" in resp.json().get("errors", {}):
        return None  # the opportunity has not reached sales yet
    resp.raise_for_status()
    return resp.json()


def _send(c: Centre, quotation_id: str) -> dict | None:
    resp = c.desk.request("POST", f"/quotations/{quotation_id}/send")
    if resp.status_code == 409 and "retry" in resp.json().get("detail", ""):
        return None  # the family's details have not reached sales yet
    resp.raise_for_status()
    return resp.json()


def _token(share_url: str) -> str:
    return parse_qs(urlparse(share_url).query)["access_token"][0]


def sign(c: Centre, p: Progress) -> None:
    """The guardian signs from the link in the e-mail."""
    if not p.family.reached(SIGNED) or p.quotation["status"] != "sent":
        return
    quotation_id = p.quotation["id"]
    token = p.token or _token(c.desk.post(f"/quotations/{quotation_id}/send", {})["share_url"])
    c.public.post(f"/quotations/{quotation_id}/sign", {"signer_name": p.family.guardian,
                                                      "signature": p.family.guardian}, access_token=token)


def therapy(c: Centre, p: Progress) -> None:
    """The task from the signature: assigned, the past sessions recorded by the therapist, its status set."""
    f = p.family
    if not f.reached(SIGNED):
        return
    p.task = eventually(lambda: c.desk.get("/tasks", quotation_id=p.quotation["id"]),
                        f"the therapy task of {f.child} {f.last_name}")[0]
    if not f.reached(IN_THERAPY) or p.task["status"] in ("completed", "cancelled"):
        return
    therapist_id, therapist = c.therapists[f.service]
    task_id = p.task["id"]
    if not p.task["therapist_id"]:
        c.desk.post(f"/tasks/{task_id}/assign", {"therapist_id": therapist_id})
    if not therapist.get(f"/tasks/{task_id}/timesheets"):
        for week in range(f.sessions_logged, 0, -1):
            notes = NOTES[f.service]
            therapist.post(f"/tasks/{task_id}/timesheets", {
                "minutes": 45 if week % 2 else 60, "note": notes[week % len(notes)],
                "work_date": (c.today - dt.timedelta(weeks=week)).isoformat()})
    target = "completed" if f.reached(DONE) else "in_progress"
    if p.task["status"] != target:
        p.task = therapist.post(f"/tasks/{task_id}/status", {"status": target})


def invoice(c: Centre, p: Progress, notes: list[str]) -> None:
    """The biller invoices the family, dated as the story says (today, or earlier while numbers allow it)."""
    f = p.family
    existing = [i for i in c.biller.get("/invoices", client_id=p.client_id) if i["status"] != "void"]
    if existing:
        p.invoice = existing[-1]
        return
    eventually(lambda: c.biller.get("/billable-items", client_id=p.client_id, status="unbilled"),
               f"billing to hear of {f.child} {f.last_name}'s work")
    body = {"client_id": p.client_id, "issued_on": (c.today - dt.timedelta(days=f.invoice_days_ago)).isoformat()}
    resp = c.biller.request("POST", "/invoices", json=body)
    if resp.status_code == 409:  # a later invoice exists already: numbers follow dates, so date it today
        notes.append(f"{f.child} {f.last_name}'s invoice is dated today, not {body['issued_on']}: "
                     f"{resp.json()['detail']}")
        resp = c.biller.request("POST", "/invoices", json={"client_id": p.client_id})
    resp.raise_for_status()
    p.invoice = resp.json()


def pay(c: Centre, p: Progress) -> None:
    """The family pays what the story says: everything, or a first part at the desk."""
    f, bill = p.family, p.invoice
    if not f.paid or bill is None or bill["status"] not in ("issued", "partially_paid"):
        return
    if f.paid == "part":
        if Decimal(bill["paid"]) > 0:
            return
        amount, method = (Decimal(bill["total"]) / 2).quantize(Decimal("0.01")), "cash"
    else:
        amount, method = Decimal(bill["balance"]), "transfer" if f.invoice_days_ago else "card"
    p.invoice = c.biller.post(f"/invoices/{bill['id']}/payments", {"amount": str(amount), "method": method})
