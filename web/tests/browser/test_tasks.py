"""The task board, a task's page and the week's planning, in real Chromium against the running system.

The data is made through the public API the way a family and the staff make it (book, quotation, signature,
the task that appears); the helpers here are shared with test_billing.py.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from .api import Api, eventually
from .conftest import assert_accessible, sign_in

AMELIE = "amelie@sunnysteps.example"  # the demo centre's occupational therapist


def therapist_login(system, email: str = AMELIE):
    return next(login for login in system.logins.values() if login.email == email)


def ot_therapist(system) -> dict[str, Any]:
    return next(t for t in Api(system).get("/therapists") if t["name"] == "Amélie Laurent")


def book(system, weeks_ahead: int = 2) -> dict[str, Any]:
    """A family books an OT session with Amélie online, in a free slot of the week `weeks_ahead` from now."""
    anonymous, therapist = Api(system), ot_therapist(system)
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks_ahead)
    slots = anonymous.get("/slots", service_code="OT", therapist_id=therapist["id"], **{
        "from": monday.isoformat(), "to": (monday + dt.timedelta(days=4)).isoformat()})
    family = f"Test{uuid.uuid4().hex[:6]}"
    for slot in random.sample(slots, min(len(slots), 5)):
        resp = anonymous.send("/appointments", {
            "service_code": "OT", "start": slot["start"], "therapist_id": therapist["id"],
            "client": {"first_name": "Lina", "last_name": family, "birth_date": "2019-05-04"},
            "guardian": {"first_name": "Maya", "last_name": family, "email": f"maya.{family.lower()}@example.org"}})
        if resp.status_code == 201:
            return {**resp.json(), "family": family, "client_name": f"Lina {family}"}
    raise AssertionError(f"no free OT slot the week of {monday}")


def signed_quotation(system, lines: list[dict[str, Any]] | None = None, weeks_ahead: int = 2) -> dict[str, Any]:
    """book -> opportunity -> quotation -> send -> sign: what the spine gives before the tasks exist."""
    desk = Api(system, system.login("front_desk"))
    appointment = book(system, weeks_ahead)
    [opportunity] = eventually(lambda: desk.get("/opportunities", appointment_id=appointment["id"]), "opportunity")
    lines = lines or [{"service_code": "OT", "quantity": 1}]
    quotation = eventually(lambda: (r := desk.send("/quotations", {"opportunity_id": opportunity["id"], "lines": lines}))
                         .status_code == 201 and r.json(), "quotation")
    sent = desk.send(f"/quotations/{quotation['id']}/send")
    assert sent.status_code == 200, sent.text
    token = parse_qs(urlparse(sent.json()["share_url"]).query)["access_token"][0]
    signed = Api(system).send(f"/quotations/{quotation['id']}/sign", {"signer_name": "Maya Parent",
                                                                     "signature": "Maya Parent"}, access_token=token)
    assert signed.status_code == 200, signed.text
    return {"appointment": appointment, "client_id": opportunity["client_id"], "quotation": quotation,
            "client_name": appointment["client_name"]}


def tasks_of(system, quotation_id: str, count: int = 1) -> list[dict[str, Any]]:
    """The task(s) tasks created from quotation.signed."""
    desk = Api(system, system.login("front_desk"))
    return eventually(lambda: (found := desk.get("/tasks", quotation_id=quotation_id)) and len(found) >= count
                    and found, "tasks from quotation.signed")


def complete(system, task: dict[str, Any]) -> None:
    """The desk assigns Amélie; she logs her time and completes the task (-> task.completed)."""
    desk, amelie = Api(system, system.login("front_desk")), Api(system, therapist_login(system))
    assert desk.send(f"/tasks/{task['id']}/assign", {"therapist_id": ot_therapist(system)["id"]}).status_code == 200
    assert amelie.send(f"/tasks/{task['id']}/timesheets", {"minutes": 55, "note": "Fine motor work."}).status_code == 201
    assert amelie.send(f"/tasks/{task['id']}/status", {"status": "completed"}).status_code == 200


def card(page, column: str, task_id: str):
    return page.locator(f"[data-column={column}] [data-task='{task_id}']")


def test_the_desk_assigns_an_unassigned_task_and_moves_it_along_the_board(page, system, axe_source):
    spine = signed_quotation(system)
    [task] = tasks_of(system, spine["quotation"]["id"])
    sign_in(page, system.login("front_desk"))
    page.goto("/staff/tasks")
    page.get_by_label("Project").select_option(value=task["project_id"])
    page.get_by_role("button", name="Show").click()
    unassigned = card(page, "unassigned", task["id"])
    expect(unassigned).to_contain_text(spine["client_name"])
    assert_accessible(page, axe_source)
    unassigned.get_by_label("Therapist").select_option(label="Amélie Laurent")
    unassigned.locator("[data-test=assign]").click()
    expect(page.locator("[data-test=notice]")).to_have_text(re.compile("The task has been assigned."))
    assigned = card(page, "new", task["id"])
    expect(assigned).to_contain_text("Amélie Laurent")
    assert "project=" in page.url and card(page, "unassigned", task["id"]).count() == 0
    assigned.get_by_label("Move to").select_option(label="In progress")
    assigned.locator("[data-test=change-status]").click()
    expect(card(page, "in_progress", task["id"])).to_be_visible()
    expect(page.locator("[data-test=notice]")).to_contain_text("In progress")
    seen = Api(system, system.login("front_desk")).get(f"/tasks/{task['id']}")
    assert (seen["status"], seen["therapist_id"]) == ("in_progress", ot_therapist(system)["id"])


def test_a_change_the_task_no_longer_allows_is_refused_on_its_card(page, system):
    spine = signed_quotation(system)
    [task] = tasks_of(system, spine["quotation"]["id"])
    sign_in(page, system.login("front_desk"))
    page.goto("/staff/tasks")
    unassigned = card(page, "unassigned", task["id"])
    expect(unassigned).to_be_visible()
    # Meanwhile, at another desk, the family's task is cancelled: the board on this screen is now stale.
    assert Api(system, system.login("front_desk")).send(
        f"/tasks/{task['id']}/status", {"status": "cancelled", "reason": "family moved"}).status_code == 200
    unassigned.get_by_label("Therapist").select_option(label="Amélie Laurent")
    unassigned.locator("[data-test=assign]").click()
    problem = page.locator(f"[data-task='{task['id']}'] [data-test=problem]")
    expect(problem).to_contain_text("a cancelled task can no longer be (re)assigned")
    expect(card(page, "cancelled", task["id"])).to_be_visible()
    unassigned = card(page, "unassigned", task["id"])
    assert unassigned.count() == 0


def test_a_therapist_logs_time_and_completes_her_own_task_from_its_page(open_page, system, axe_source):
    spine = signed_quotation(system)
    [task] = tasks_of(system, spine["quotation"]["id"])
    desk = Api(system, system.login("front_desk"))
    assert desk.send(f"/tasks/{task['id']}/assign", {"therapist_id": ot_therapist(system)["id"]}).status_code == 200
    page = open_page()
    sign_in(page, therapist_login(system))
    page.goto("/staff/tasks")
    mine = card(page, "new", task["id"])
    expect(mine).to_be_visible()
    assert mine.locator("[data-test=assign-select]").count() == 0  # only the front desk assigns
    mine.get_by_role("link", name=spine["client_name"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Occupational Therapy")
    assert_accessible(page, axe_source)
    page.get_by_label("Minutes").fill("45")
    page.get_by_label("Progress note").fill("Worked on pencil grip; good progress.")
    page.get_by_role("button", name="Log time").click()
    expect(page.get_by_text("45 minutes logged.")).to_be_visible()
    expect(page.get_by_role("cell", name="Worked on pencil grip; good progress.")).to_be_visible()
    page.get_by_label("New status").select_option(label="Completed")
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator("[data-test=task-status]")).to_have_text("Completed")
    assert desk.get(f"/tasks/{task['id']}")["status"] == "completed"
    assert page.goto("/staff/invoices").status == 403  # therapists never see billing
    expect(page.get_by_role("heading", name="Not available to you")).to_be_visible()


def test_the_planning_shows_the_booked_hours_of_a_therapist_with_a_session_that_week(page, system, axe_source):
    weeks_ahead = random.randint(3, 6)
    appointment = book(system, weeks_ahead)
    start = dt.datetime.fromisoformat(appointment["start"])
    year, week, _weekday = start.isocalendar()
    label = f"{year}-W{week:02d}"
    [row] = [r for r in Api(system, system.login("front_desk")).get("/planning", week=label)
             if r["name"] == "Amélie Laurent"]
    assert row["booked_hours"] >= 1
    sign_in(page, system.login("front_desk"))
    page.goto(f"/staff/planning?week={label}")
    line = page.locator(f"tr[data-therapist='{row['therapist_id']}']")
    expect(line.locator("[data-test=booked]")).to_have_text(f"{row['booked_hours']:g} h")
    expect(line.locator("[data-test=available]")).to_have_text(f"{row['available_hours']:g} h")
    session_day = line.locator(f"td[data-day='{start.date().isoformat()}']")
    expect(session_day).to_contain_text(re.compile(r"^\s*[1-9][\d.]* h / "))
    expect(line.locator("[data-test=sessions]")).to_contain_text("Occupational Therapy:")
    assert_accessible(page, axe_source)
    page.locator("[data-test=next-week]").click()
    following = dt.date.fromisocalendar(year, week, 1) + dt.timedelta(weeks=1)
    expect(page).to_have_url(re.compile(rf"week={following.isocalendar()[0]}-W{following.isocalendar()[1]:02d}$"))
    page.locator("[data-test=previous-week]").click()
    expect(page).to_have_url(re.compile(rf"week={label}$"))


def test_the_board_and_the_planning_in_french_at_768_pixels(open_page, system, axe_source):
    spine = signed_quotation(system)
    [task] = tasks_of(system, spine["quotation"]["id"])
    page = open_page(locale="fr-FR", width=768)
    sign_in(page, system.login("front_desk"))
    page.goto("/staff/tasks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tâches")
    expect(page.locator("#column-unassigned")).to_contain_text("Non attribuées")
    expect(card(page, "unassigned", task["id"])).to_contain_text("Aucun thérapeute pour l’instant")
    assert_accessible(page, axe_source)
    page.goto("/staff/planning?week=2026-W49")
    expect(page.locator("[data-test=week-range]")).to_have_text("Semaine 49 : du lundi 30 novembre au dimanche 6 décembre 2026")
    expect(page.locator("[data-test=planning] thead")).to_contain_text("lun.")
    assert_accessible(page, axe_source)
    page.goto(f"/staff/tasks/{task['id']}")
    expect(page.get_by_role("heading", name="Temps et notes d’évolution")).to_be_visible()
    assert_accessible(page, axe_source)


def test_a_biller_is_refused_the_tasks_and_the_planning(page, system):
    sign_in(page, system.login("biller"))
    for path in ("/staff/tasks", "/staff/planning"):
        assert page.goto(path).status == 403
        expect(page.get_by_role("heading", name="Not available to you")).to_be_visible()
    assert "staff.tasks" not in page.locator("nav[aria-label] .nav-link").evaluate_all(
        "links => links.map(a => a.dataset.nav)")
