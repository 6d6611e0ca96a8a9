"""Drives complete workflows through the gateway, the way a front desk and a family would, retrying like a
well-behaved client through outages (same Idempotency-Key on every retry, state checks after a 409)."""
from __future__ import annotations

import itertools
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, urlparse

import requests

RETRYABLE = {429, 502, 503, 504}


class Stuck(Exception):
    """A step did not succeed before the workflow's deadline."""


@dataclass
class Outcome:
    number: int
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    ids: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    server_errors: list[tuple[str, int, float]] = field(default_factory=list)  # (step, status, seconds)

    @property
    def done(self) -> bool:
        return self.finished is not None


class SlotPool:
    """Distinct bookable slots handed out to concurrent workflows (never two on one slot)."""

    def __init__(self, slots: list[dict[str, Any]]) -> None:
        self._slots = iter(slots)
        self._lock = threading.Lock()
        self.size = len(slots)

    def take(self) -> dict[str, Any]:
        with self._lock:
            return next(self._slots)


class Client:
    """HTTP with the retry discipline of a good client: retry 5xx and broken connections until a deadline."""

    def __init__(self, base: str, outcome: Outcome, deadline: float) -> None:
        self.base, self.outcome, self.deadline = base.rstrip("/") + "/api/v1", outcome, deadline
        self.http = requests.Session()

    def call(self, step: str, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        while True:
            started = time.monotonic()
            try:
                resp = self.http.request(method, f"{self.base}{path}", headers=headers, timeout=15, **kwargs)
                if resp.status_code not in RETRYABLE and resp.status_code < 500:
                    return resp
                self.outcome.server_errors.append((step, resp.status_code, time.monotonic() - started))
            except requests.RequestException:
                self.outcome.server_errors.append((step, 0, time.monotonic() - started))
            self._pause(step)

    def until(self, step: str, probe: Callable[[], Any]) -> Any:
        """Poll `probe` until it returns something truthy (an event hop has landed)."""
        while True:
            result = probe()
            if result:
                return result
            self._pause(step)

    def _pause(self, step: str) -> None:
        if time.monotonic() > self.deadline:
            raise Stuck(step)
        time.sleep(0.15)


class Driver:
    def __init__(self, base_url: str, tokens: dict[str, str], slots: SlotPool, therapist_ids: dict[str, str]) -> None:
        self.base_url, self.tokens, self.slots, self.therapist_ids = base_url, tokens, slots, therapist_ids
        self._numbers = itertools.count(1)
        self.ended = 0  # workflows that ended (finished or not), for faults timed by progress
        self._ended_lock = threading.Lock()

    def run(self, count: int, *, concurrency: int = 16, timeout: float = 600.0) -> list[Outcome]:
        """Run `count` workflows, `concurrency` at a time; each must finish within `timeout` seconds."""
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            return list(pool.map(lambda _: self.workflow(timeout), range(count)))

    def start(self, count: int, *, concurrency: int = 16, timeout: float = 600.0) -> "Background":
        return Background(self, count, concurrency, timeout)

    def workflow(self, timeout: float) -> Outcome:
        outcome = Outcome(next(self._numbers))
        client = Client(self.base_url, outcome, time.monotonic() + timeout)
        try:
            self._steps(client, outcome, uuid.uuid4().hex[:12])
            outcome.finished = time.monotonic()
        except Stuck as exc:
            outcome.error = f"stuck at {exc}"
        except AssertionError as exc:
            outcome.error = f"failed: {exc}"
        with self._ended_lock:
            self.ended += 1
        return outcome

    def _steps(self, c: Client, out: Outcome, tag: str) -> None:
        desk, admin = self.tokens["front_desk"], self.tokens["admin"]
        slot = self.slots.take()
        out.ids["email"] = f"guard-{tag}@example.org"
        book = c.call("book", "POST", "/appointments", headers={"Idempotency-Key": f"book-{tag}"}, json={
            "service_code": slot["service_code"], "start": slot["start"], "therapist_id": slot["therapist_id"],
            "client": {"first_name": "Fault", "last_name": f"Family-{tag}"},
            "guardian": {"first_name": "Guard", "last_name": tag, "email": out.ids["email"]}})
        assert book.status_code == 201, f"book {book.status_code} {book.text[:200]}"
        out.ids["appointment"] = book.json()["id"]
        opp = c.until("opportunity", lambda: c.call("opportunity", "GET", "/opportunities", desk,
                                                    params={"appointment_id": out.ids["appointment"]}).json())[0]
        out.ids["client"] = opp["client_id"]
        quote = c.until("quotation", lambda: _created(c.call(
            "quotation", "POST", "/quotations", desk, headers={"Idempotency-Key": f"quote-{tag}"},
            json={"opportunity_id": opp["id"], "lines": [{"service_code": slot["service_code"], "quantity": 1}]})))
        out.ids["quotation"] = quote["id"]
        share_url = c.until("send", lambda: _ok(c.call("send", "POST", f"/quotations/{quote['id']}/send", desk)))
        self._sign(c, quote["id"], share_url["share_url"])
        task = c.until("task", lambda: c.call("task", "GET", "/tasks", desk,
                                              params={"quotation_id": quote["id"]}).json())[0]
        out.ids["task"] = task["id"]
        therapist = self.therapist_ids[slot["service_code"]]
        assert _ok(c.call("assign", "POST", f"/tasks/{task['id']}/assign", desk, json={"therapist_id": therapist}))
        logged = c.call("timesheet", "POST", f"/tasks/{task['id']}/timesheets", admin,
                        headers={"Idempotency-Key": f"time-{tag}"}, json={"minutes": 50, "note": "session"})
        assert logged.status_code == 201, f"timesheet {logged.status_code} {logged.text[:200]}"
        self._settle_state(c, "complete", f"/tasks/{task['id']}/status", f"/tasks/{task['id']}", admin,
                           {"status": "completed"}, "completed")
        c.until("billable", lambda: c.call("billable", "GET", "/billable-items", desk,
                                           params={"client_id": out.ids["client"]}).json())
        self._invoice_and_pay(c, out, tag)
        c.until("e-mail", lambda: [n for n in c.call("e-mail", "GET", "/notifications", desk, params={
            "client_id": out.ids["client"], "kind": "payment_confirmation"}).json() if n["status"] == "sent"])

    def _sign(self, c: Client, quotation_id: str, share_url: str) -> None:
        token = parse_qs(urlparse(share_url).query)["access_token"][0]
        resp = c.call("sign", "POST", f"/quotations/{quotation_id}/sign", params={"access_token": token},
                      json={"signer_name": "Guard", "signature": "Guard"})
        if resp.status_code == 409:  # a retried sign whose first attempt went through
            resp = c.call("sign", "GET", f"/quotations/{quotation_id}", self.tokens["front_desk"])
            assert resp.json()["status"] == "signed", f"sign refused: {resp.text[:200]}"
            return
        assert resp.status_code == 200, f"sign {resp.status_code} {resp.text[:200]}"

    def _settle_state(self, c: Client, step: str, action: str, resource: str, token: str, body: dict,
                      state: str) -> None:
        resp = c.call(step, "POST", action, token, json=body)
        if resp.status_code == 409:
            resp = c.call(step, "GET", resource, token)
        assert resp.status_code == 200 and resp.json()["status"] == state, f"{step}: {resp.text[:200]}"

    def _invoice_and_pay(self, c: Client, out: Outcome, tag: str) -> None:
        desk = self.tokens["front_desk"]
        invoice = c.call("invoice", "POST", "/invoices", desk, headers={"Idempotency-Key": f"inv-{tag}"},
                         json={"client_id": out.ids["client"]})
        assert invoice.status_code == 201, f"invoice {invoice.status_code} {invoice.text[:200]}"
        out.ids["invoice"] = invoice.json()["id"]
        total = invoice.json()["total"]
        first, rest = "10.00", f"{float(total) - 10:.2f}"
        for n, amount in ((1, first), (2, rest)):
            paid = c.call("pay", "POST", f"/invoices/{out.ids['invoice']}/payments", desk,
                          headers={"Idempotency-Key": f"pay{n}-{tag}"}, json={"amount": amount, "method": "card"})
            assert paid.status_code == 201, f"payment {n}: {paid.status_code} {paid.text[:200]}"
        assert paid.json()["status"] == "paid"


def _created(resp: requests.Response) -> dict | None:
    return resp.json() if resp.status_code == 201 else None


def _ok(resp: requests.Response) -> dict | None:
    return resp.json() if resp.status_code == 200 else None


class Background:
    """Workflows running on a thread while the test injects a fault."""

    def __init__(self, driver: Driver, count: int, concurrency: int, timeout: float) -> None:
        self.driver, self.outcomes = driver, []
        self._thread = threading.Thread(
            target=lambda: self.outcomes.extend(driver.run(count, concurrency=concurrency, timeout=timeout)),
            daemon=True)
        self._thread.start()

    def wait_ended(self, count: int, timeout: float) -> None:
        """Until `count` workflows of this driver have ended (or `timeout` seconds, whichever first)."""
        deadline = time.monotonic() + timeout
        while self.driver.ended < count and time.monotonic() < deadline and self._thread.is_alive():
            time.sleep(0.2)

    def wait(self, timeout: float | None = None) -> list[Outcome]:
        self._thread.join(timeout)
        return self.outcomes
