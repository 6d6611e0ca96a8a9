"""The living demo centre `make run` seeds: every stage of the story through the public API, and idempotent."""
from __future__ import annotations

from collections import Counter

from devstack import demo
from devstack.demo_families import DEMO_DOMAIN, FAMILIES, QUOTED, SIGNED, WAIT_LIST
from devstack.seed import DEMO_PASSWORD

from .api import Api

OPPORTUNITY_STAGE = {"new": "new", "quoted": "quoted"}  # signed and beyond: won


def _snapshot(api: Api) -> dict:
    """What the demo's families hold, counted, to compare two runs."""
    clients = [c for f in FAMILIES for c in api.get("/clients", params={"guardian_email": f.email}).json()]

    def count(path: str) -> int:
        return sum(len(api.get(path, params={"client_id": c["id"], "limit": 200}).json()) for c in clients)

    waiting = [e for e in api.get("/waitlist", params={"limit": 200}).json()
               if e["guardian"]["email"].endswith(DEMO_DOMAIN)]
    return {"clients": len(clients), "waiting": len(waiting),
            **{path: count(path) for path in ("/opportunities", "/appointments", "/quotations", "/tasks", "/invoices")}}


def test_the_demo_tells_every_stage_of_the_workflow_and_a_second_run_adds_nothing(system):
    office = Api.login(system.url, "office@sunnysteps.example", DEMO_PASSWORD)
    invoiced_before = bool(office.get("/invoices", params={"limit": 1}).json())

    first = demo.seed_demo(system.url)

    assert first.sessions_booked >= len(FAMILIES) and first.wait_list_added == len(WAIT_LIST)
    assert sum(first.families.values()) == len(FAMILIES)
    for family in FAMILIES:
        [client] = office.get("/clients", params={"guardian_email": family.email}).json()
        [opportunity] = office.get("/opportunities", params={"client_id": client["id"]}).json()
        assert opportunity["stage"] == OPPORTUNITY_STAGE.get(family.stage, "won"), family.email
        quotations = office.get("/quotations", params={"client_id": client["id"]}).json()
        assert [q["status"] for q in quotations] == (["signed"] if family.reached(SIGNED) else
                                                     ["sent"] if family.reached(QUOTED) else []), family.email
        assert office.get("/appointments", params={"client_id": client["id"]}).json() or family.online
    package = next(f for f in FAMILIES if ("package", 1) in f.lines and f.sessions_logged)
    [client] = office.get("/clients", params={"guardian_email": package.email}).json()
    [task] = office.get("/tasks", params={"client_id": client["id"]}).json()
    assert task["status"] == "in_progress" and task["minutes_logged"] > 0, "the package is being used up"
    late = [i["client_name"] for i in office.get("/invoices", params={"overdue": "true", "limit": 200}).json()]
    if invoiced_before:  # numbers follow dates: with today's invoices there already, no earlier date is possible
        assert first.notes and all("dated today" in note for note in first.notes)
    else:
        assert first.families["overdue"] == 1 and "Lucas Roux" in late and not first.notes
        assert Counter(first.families) >= Counter({"paid": 2, "invoiced": 1, "partly paid": 1, "in_therapy": 2})

    before = _snapshot(office)
    second = demo.seed_demo(system.url)

    assert (second.sessions_booked, second.wait_list_added, second.notes) == (0, 0, [])
    assert _snapshot(office) == before
    assert before["clients"] == len(FAMILIES) and before["waiting"] == len(WAIT_LIST)


def test_demo_data_off_starts_the_system_empty_and_anything_else_seeds_the_demo():
    assert demo.enabled({}) and demo.enabled({"DEMO_DATA": "on"}) and demo.enabled({"DEMO_DATA": ""})
    assert not any(demo.enabled({"DEMO_DATA": value}) for value in ("off", "OFF", "0", "false", "no"))
