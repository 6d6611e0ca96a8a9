"""The world the policy matrix asks about, built once through the public API as the centre would build it:
two families with a portal login each, and for each its appointment and series with its own therapist (A: thA,
B: thB), wait-list entry, quotation (signed), task (assigned to that therapist), invoice and delivery-log
message; one caller per kind of the policy table."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from .api import eventually
from .test_spine import mails_to

PASSWORD_OF_ALL = "policy-matrix-2026"
WEEKDAYS = [{"weekday": day, "start": "09:00", "end": "17:00"} for day in range(5)]
STAFF_ROLES = {"org": "org_admin", "adm": "admin", "desk": "front_desk", "bill": "biller", "thA": "therapist",
               "thB": "therapist"}
ACTIVATION = re.compile(r"/activate\?token=([A-Za-z0-9_\-]+)")


class Caller:
    """One kind of caller: a session of its own (signed in once), answering whatever the API says."""

    def __init__(self, base_url: str, pair: dict[str, Any] | None = None) -> None:
        self.base = f"{base_url.rstrip('/')}/api/v1"
        self.session = requests.Session()
        self.refresh_token: str | None = None
        self.therapist_id: str | None = None
        if pair:
            self._hold(pair)

    def _hold(self, pair: dict[str, Any]) -> None:
        self.session.headers["Authorization"] = f"Bearer {pair['access_token']}"
        self.refresh_token = pair["refresh_token"]

    def renew(self) -> None:
        """A fresh access token from this session's refresh token (after an operation that ended access), asked
        without the old one: the gateway refuses it on every path now."""
        if self.refresh_token:
            resp = requests.post(f"{self.base}/auth/refresh", json={"refresh_token": self.refresh_token}, timeout=15)
            assert resp.status_code == 200, f"refresh: {resp.status_code} {resp.text}"
            self._hold(resp.json())

    def twin(self) -> "Caller":
        """The same login on a session of its own, for another thread."""
        other = Caller(self.base.removesuffix("/api/v1"))
        other.session.headers.update(self.session.headers)
        other.refresh_token, other.therapist_id = self.refresh_token, self.therapist_id
        return other

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.base}{path}", timeout=15, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON of a call that must succeed (building the world)."""
        resp = self.call(method, path, **kwargs)
        assert resp.status_code < 300, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json() if resp.content else None


@dataclass
class World:
    callers: dict[str, Caller]
    ids: dict[str, str]  # path parameter -> family A's (or the own therapist's) resource
    clients: dict[str, str]  # "A"/"B" -> each family's client (child) id
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)  # operation -> its own path parameters
    queries: dict[str, dict[str, str]] = field(default_factory=dict)  # operation -> the query it is asked with

    def renew(self) -> None:
        for caller in self.callers.values():
            caller.renew()


def _login(base_url: str, email: str, password: str) -> Caller:
    resp = Caller(base_url).call("POST", "/auth/login", json={"email": email, "password": password})
    # A 202 asks for a second factor: the test stack signs staff in by password (TWO_FACTOR_REQUIRED_ROLES="").
    assert resp.status_code == 200, f"sign-in of {email}: {resp.status_code} {resp.text}"
    return Caller(base_url, resp.json())


def _staff(base_url: str, org: Caller) -> dict[str, Caller]:
    """A staff login per kind, of its own: what the matrix does to its callers (ending their other sessions,
    starting a second factor) must not touch the demo accounts other tests sign in with. thA and thB are two
    new therapists (the matrix's appointment and task are thA's)."""
    callers = {}
    for kind, role in STAFF_ROLES.items():
        therapist_id = None
        if role == "therapist":
            therapist_id = org.ok("POST", "/therapists", json={
                "name": f"Policy {kind} {uuid.uuid4().hex[:6]}", "service_codes": ["OT"],
                "working_hours": WEEKDAYS})["id"]
        email = f"policy-{kind.lower()}-{uuid.uuid4().hex[:8]}@example.org"
        org.ok("POST", "/users", json={"email": email, "name": f"Policy {kind}", "role": role,
                                       "password": PASSWORD_OF_ALL, "therapist_id": therapist_id})
        # One after another: the gateway bounds how many sign-ins it hashes at once (LOGIN_CONCURRENCY).
        callers[kind] = _login(base_url, email, PASSWORD_OF_ALL)
        callers[kind].therapist_id = therapist_id
    return callers


def _family(base_url: str, mail_dir: Path, desk: Caller, name: str) -> tuple[dict[str, Any], str, Caller]:
    """A client (child) with a guardian who activated the portal invitation: (client, guardian e-mail, caller)."""
    email = f"policy-{name.lower()}-{uuid.uuid4().hex[:8]}@example.org"
    client = desk.ok("POST", "/clients", json={"first_name": name, "last_name": "Matrix", "guardians": [
        {"first_name": "Guardian", "last_name": f"Matrix{name}", "email": email}]})
    desk.ok("PATCH", f"/clients/{client['id']}", json={"status": "active"})  # an active client's family is invited

    def invitation() -> str | None:
        for message in mails_to(mail_dir, email):
            found = ACTIVATION.search(message.get_body(("plain",)).get_content())
            if found:
                return found.group(1)
        return None

    token = eventually(invitation, timeout=30, what=f"the portal invitation to {email}")
    pair = Caller(base_url).ok("POST", "/auth/activate", json={"token": token, "password": PASSWORD_OF_ALL})
    return client, email, Caller(base_url, pair)


def _free_slots(anon: Caller, therapist_id: str, weeks_ahead: int) -> list[dict[str, Any]]:
    today = dt.date.today()
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)
    return anon.ok("GET", "/slots", params={"service_code": "OT", "therapist_id": therapist_id,
                                            "from": monday.isoformat(),
                                            "to": (monday + dt.timedelta(days=4)).isoformat()})


def build(base_url: str, mail_dir: Path, admin_email: str, admin_password: str) -> World:
    """Everything the matrix needs, through the API; waits for what events carry between services."""
    callers = {"anon": Caller(base_url), **_staff(base_url, _login(base_url, admin_email, admin_password))}
    with ThreadPoolExecutor(max_workers=2) as pool:
        (client_a, email, callers["famA"]), (client_b, _, callers["famB"]) = pool.map(
            lambda name: _family(base_url, mail_dir, callers["desk"].twin(), name), ("Ada", "Ben"))
        # The same records for both families, family B's with thB: the matrix asks for A's, and what either
        # family's outsiders get back must never hold its client.
        ids, _ = pool.map(lambda side: _records(callers, *side), (("A", client_a), ("B", client_b)))
    ids.update(_disposables(base_url, callers, email))
    ids.update(_catalogue(callers))
    # Lists that take a client are asked for family A's: the other family's answer is a refusal, not a filter.
    of_a = {"client_id": client_a["id"]}
    day = ids.pop("first_day")
    queries = {"GET /slots": {"service_code": "OT", "from": day, "to": day, **of_a}, "GET /calendar": of_a,
               "GET /invoices": of_a, "GET /payments": of_a, "GET /credits": of_a, "GET /notifications": of_a}
    victim = {"user_id": ids.pop("victim_id")}
    overrides = {"POST /users/{user_id}/sessions/end": victim, "POST /users/{user_id}/second-factor/reset": victim}
    return World(callers, ids, {"A": client_a["id"], "B": client_b["id"]}, overrides, queries)


def _records(callers: dict[str, Caller], side: str, client: dict[str, Any]) -> dict[str, str]:
    """A family's appointment, series and wait-list entry with its therapist, then the spine's sale."""
    mine = {kind: caller.twin() for kind, caller in callers.items()}  # sessions of this thread's own
    family = {"client_id": client["id"], "client": {"first_name": client["first_name"], "last_name": "Matrix"},
              "guardian": {k: client["guardians"][0][k] for k in ("first_name", "last_name", "email")}}
    ids = _schedule(mine["desk"], mine["anon"], mine[f"fam{side}"], mine[f"th{side}"].therapist_id or "", family)
    ids.update(_sale(mine["desk"], mine[f"fam{side}"], mine[f"th{side}"].therapist_id or "", client["id"],
                     ids["appointment_id"]))
    return ids


def _schedule(desk: Caller, anon: Caller, family_caller: Caller, therapist_id: str,
              family: dict[str, Any]) -> dict[str, str]:
    """The family's appointment and series with its therapist, and its wait-list entry."""
    slots = _free_slots(anon, therapist_id, weeks_ahead=9)
    booking = {"service_code": "OT", "therapist_id": therapist_id, **family}
    appointment = desk.ok("POST", "/appointments", json={**booking, "start": slots[0]["start"]})
    series = desk.ok("POST", "/appointment-series", json={**booking, "start": slots[-1]["start"], "count": 2})
    entry = family_caller.ok("POST", "/waitlist", json={"service_code": "OT", **family})
    return {"appointment_id": appointment["id"], "series_id": series["id"], "entry_id": entry["id"],
            "client_id": family["client_id"], "therapist_id": therapist_id, "first_day": slots[0]["start"][:10]}


def _sale(desk: Caller, family_caller: Caller, therapist_id: str, client_id: str,
          appointment_id: str) -> dict[str, str]:
    """The spine for one family: opportunity, a package quotation they signed, its task (assigned to their
    therapist), the invoice of the package, and a message in the delivery log."""
    package = next(p for p in desk.ok("GET", "/price-list") if p["service_code"] == "OT" and p["kind"] == "package")
    [opportunity] = eventually(lambda: desk.ok("GET", "/opportunities", params={
        "appointment_id": appointment_id}), what="the opportunity of the family's appointment")
    draft = {"opportunity_id": opportunity["id"], "lines": [
        {"service_code": "OT", "quantity": 1, "price_item_id": package["id"]}]}

    def quote() -> dict[str, Any] | None:  # sales learns of the opportunity from crm's event
        resp = desk.call("POST", "/quotations", json=draft)
        return resp.json() if resp.status_code == 201 else None

    quotation = eventually(quote, what="a quotation on the family's opportunity")
    desk.ok("POST", f"/quotations/{quotation['id']}/send")
    family_caller.ok("POST", f"/quotations/{quotation['id']}/sign", json={"signer_name": "Guardian Matrix",
                                                                           "signature": "Guardian Matrix"})
    [task] = eventually(lambda: desk.ok("GET", "/tasks", params={"quotation_id": quotation["id"]}),
                        what="the task of the family's signed quotation")
    desk.ok("POST", f"/tasks/{task['id']}/assign", json={"therapist_id": therapist_id})
    eventually(lambda: desk.ok("GET", "/billable-items", params={"client_id": client_id}),
               what="the family's package as a billable item")
    invoice = desk.ok("POST", "/invoices", json={"client_id": client_id})
    notification = eventually(lambda: next(iter(desk.ok("GET", "/notifications", params={
        "client_id": client_id})), None), what="a message to the family in the delivery log")
    return {"opportunity_id": opportunity["id"], "quotation_id": quotation["id"], "task_id": task["id"],
            "invoice_id": invoice["id"], "notification_id": notification["id"], "item_id": package["id"]}


def _disposables(base_url: str, callers: dict[str, Caller], email: str) -> dict[str, str]:
    """What an allowed caller really deletes or ends, one for the run: thA's day off, a closure, a staff account
    (its sessions ended, its second factor reset) and family A's second session."""
    far = dt.date.today() + dt.timedelta(days=700)
    time_off = callers["desk"].ok("POST", f"/therapists/{callers['thA'].therapist_id}/time-off",
                                  json={"date": far.isoformat()})
    closure = callers["adm"].ok("POST", "/closures", json={"date": (far + dt.timedelta(days=1)).isoformat(),
                                                           "reason": "policy matrix"})
    victim = callers["org"].ok("POST", "/users", json={
        "email": f"policy-staff-{uuid.uuid4().hex[:8]}@example.org", "name": "Policy Matrix", "role": "front_desk",
        "password": PASSWORD_OF_ALL})
    [family_user] = callers["org"].ok("GET", "/users", params={"email": email})
    # Only family A may end it; for everyone else another person's session does not exist (404).
    _login(base_url, email, PASSWORD_OF_ALL)
    other_session = next(s["id"] for s in callers["famA"].ok("GET", "/users/me/sessions") if not s["current"])
    return {"time_off_id": time_off["id"], "closure_id": closure["id"], "victim_id": victim["id"],
            "user_id": family_user["id"], "session_id": other_session}


def _catalogue(callers: dict[str, Caller]) -> dict[str, str]:
    service_type = next(t for t in callers["anon"].ok("GET", "/service-types") if t["code"] == "OT")
    return {"service_type_id": service_type["id"],
            "kind": callers["adm"].ok("GET", "/notification-templates")[0]["kind"]}
