"""Access rules and the database's refusal to double-book, seen from outside through the gateway."""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import requests

from .api import STAFF, Api
from .test_spine import PASSWORD, monday_in


def test_anonymous_caller_gets_401_on_staff_resources(system):
    anonymous = Api(system.url)
    for path in ("/opportunities", "/clients", "/tasks", "/invoices", "/billable-items", "/notifications",
                 "/users"):
        resp = anonymous.get(path)
        assert resp.status_code == 401, path
        assert resp.headers["Content-Type"].startswith("application/problem+json")


def test_therapist_gets_403_on_billing(system):
    therapist = Api.login(system.url, STAFF["therapist"], PASSWORD)
    for path in ("/invoices", "/billable-items", "/payments", "/credits"):
        assert therapist.get(path).status_code == 403, path
    assert therapist.post("/invoices", json={"client_id": "00000000-0000-0000-0000-000000000000"}).status_code == 403


def test_unknown_resource_is_a_404_problem(system):
    resp = Api(system.url).get("/no-such-thing")
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("application/problem+json")


def test_request_id_is_carried_through_the_gateway(system):
    resp = Api(system.url).get("/service-types", headers={"X-Request-ID": "trace-e2e-1"})
    assert resp.headers["X-Request-ID"] == "trace-e2e-1"


def test_twenty_concurrent_bookings_of_one_slot_give_one_201_and_nineteen_409(system):
    anonymous = Api(system.url)
    therapist = next(t for t in anonymous.get("/therapists").json() if "ST" in t["service_codes"])
    monday = monday_in(3)
    slot = anonymous.get("/slots", params={"service_code": "ST", "from": monday.isoformat(),
                                           "to": (monday + dt.timedelta(days=1)).isoformat()}).json()[0]

    def book(n: int) -> int:
        return requests.post(f"{system.url}/api/v1/appointments", timeout=30, json={
            "service_code": "ST", "start": slot["start"], "therapist_id": therapist["id"],
            "client": {"first_name": f"Kid{n}", "last_name": "Race"},
            "guardian": {"first_name": "Pat", "last_name": "Race", "email": f"race{n}@example.org"},
        }).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = sorted(pool.map(book, range(20)))
    assert codes.count(201) == 1 and codes.count(409) == 19, codes


def test_scheduling_resources_reach_booking_through_the_gateway(system):
    anonymous = Api(system.url)
    for method, path in (("GET", "/rooms"), ("GET", "/closures"), ("GET", "/calendar?view=week&date=2026-12-01"),
                         ("GET", "/planning?week=2026-W49"), ("GET", "/waitlist"),
                         ("GET", "/client-availability/00000000-0000-0000-0000-000000000000")):
        resp = anonymous.call(method, path)
        assert resp.status_code == 401, (path, resp.status_code)  # answered by booking, not a gateway 404
