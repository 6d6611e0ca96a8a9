"""The calendar in real Chromium: its views, filters, dragging a session, the appointment panel, the roles.

Each test works with its own therapists of this module's own service types (the demo ones are shared with
other tests), on weekdays of the coming weeks, inside the demo working hours (Monday to Friday, 9 to 5).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .api import Api, unique
from .conftest import assert_accessible, sign_in

PARIS = ZoneInfo("Europe/Paris")
NINE_TO_FIVE = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]


@pytest.fixture(scope="module")
def services(system) -> list[str]:
    """Two service types of this module's own (60 minutes), so no other test books its therapists."""
    admin, codes = Api(system, "org_admin"), []
    for name in ("Sensory play", "Handwriting"):
        code = unique("C").upper()
        admin.post("service-types", {"code": code, "name": f"{name} {code}", "duration_minutes": 60})
        codes.append(code)
    return codes


def new_therapist(system, code: str) -> dict:
    return Api(system, "org_admin").post("therapists", {"name": unique("Cal Therapist "), "service_codes": [code],
                                                        "working_hours": NINE_TO_FIVE})


def weekday(weeks_ahead: int, day: int = 0) -> dt.date:
    """A weekday (0 = Monday) `weeks_ahead` weeks from now: always in the future, in the booking horizon."""
    today = dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday() + 7 * (weeks_ahead - 1) + day)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=PARIS)


def book(system, therapist: dict, start: dt.datetime, child: str | None = None, **extra: Any) -> dict:
    """A session booked by the front desk through the API for a new family."""
    body = {"service_code": therapist["service_codes"][0], "start": start.isoformat(),
            "therapist_id": therapist["id"], "client": {"first_name": child or unique("Lina-"), "last_name": "Test"},
            "guardian": {"first_name": "Maya", "last_name": "Test", "email": f"{unique('p')}@example.org"}, **extra}
    return Api(system, "front_desk").post("appointments", body)


def open_calendar(page, view: str, day: dt.date, **filters: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in {"view": view, "date": day.isoformat(), **filters}.items())
    page.goto(f"/staff/calendar?{query}")
    expect(page.locator(".ec-toolbar")).to_be_visible()


def session(page, child: str):
    return page.locator(".ec-event", has_text=child)


def column_x(page, name: str) -> float:
    """The middle of a therapist's column in the day view."""
    heads = page.locator(".ec-col-head").all_inner_texts()
    box = page.locator(".ec-body .ec-day").nth([h.strip() for h in heads].index(name)).bounding_box()
    return box["x"] + box["width"] / 2


def time_y(page, hhmm: str) -> float:
    """A point just below the line of a whole hour in a time grid."""
    label = page.locator(".ec-sidebar time", has_text=re.compile(f"^{hhmm}$"))
    box = label.bounding_box()
    return box["y"] + box["height"] / 2 + 8


def drag(page, locator, x: float, y: float) -> None:
    """Drag a session by its top edge to (x, y), in small steps as a hand would."""
    box = locator.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 6)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20, steps=4)
    page.mouse.move(x, y, steps=12)
    page.mouse.up()


def test_a_dragged_session_stays_at_its_new_free_time_and_the_api_has_it(page, system, services):
    therapist = new_therapist(system, services[0])
    day = weekday(2, 1)
    moving = book(system, therapist, at(day, "10:00"))
    sign_in(page, system.login("front_desk"))
    open_calendar(page, "resourceTimeGridDay", day)
    child = moving["client"]["first_name"]
    drag(page, session(page, child), column_x(page, therapist["name"]), time_y(page, "13:00"))
    expect(page.locator("#alerts .alert-success")).to_contain_text(f"{child} Test moved to")
    assert Api(system, "front_desk").get(f"appointments/{moving['id']}")["start"] == at(day, "13:00").isoformat()
    page.reload()
    expect(session(page, child)).to_contain_text("13:00")


def test_a_session_dropped_on_a_time_the_therapist_already_has_snaps_back_with_the_reason(page, system, services):
    therapist = new_therapist(system, services[0])
    day = weekday(2, 2)
    moving = book(system, therapist, at(day, "10:00"))
    book(system, therapist, at(day, "14:00"))
    sign_in(page, system.login("front_desk"))
    open_calendar(page, "resourceTimeGridDay", day)
    child = moving["client"]["first_name"]
    before = session(page, child).bounding_box()["y"] - time_y(page, "10:00")
    drag(page, session(page, child), column_x(page, therapist["name"]), time_y(page, "14:00"))
    expect(page.locator("#alerts .alert-warning")).to_have_text("That slot is already taken; pick another time.")
    expect(session(page, child)).to_contain_text("10:00")
    after = session(page, child).bounding_box()["y"] - time_y(page, "10:00")
    assert abs(after - before) < 2  # back in its place on the grid
    assert Api(system, "front_desk").get(f"appointments/{moving['id']}")["start"] == at(day, "10:00").isoformat()


def test_the_panel_confirms_one_session_and_cancels_another_with_a_reason(page, system, services, axe_source):
    therapist = new_therapist(system, services[0])
    day = weekday(2, 3)
    first, second = book(system, therapist, at(day, "09:00")), book(system, therapist, at(day, "11:00"))
    sign_in(page, system.login("front_desk"))
    open_calendar(page, "timeGridWeek", day, therapist_id=therapist["id"])
    session(page, first["client"]["first_name"]).click()
    panel = page.locator("#appointment-panel")
    expect(panel.locator("#appointment-heading")).to_have_text(f"{first['client']['first_name']} Test")
    expect(panel.locator("[data-test=status]")).to_have_text("Booked")
    assert_accessible(page, axe_source)
    panel.get_by_role("button", name="Confirm").click()
    expect(panel.locator("[data-test=panel-message]")).to_have_text("The session is confirmed.")
    expect(panel.locator("[data-test=status]")).to_have_text("Confirmed")
    expect(session(page, first["client"]["first_name"])).to_contain_text("Confirmed")  # the calendar refreshed

    page.locator("#appointment-offcanvas .btn-close").click()
    session(page, second["client"]["first_name"]).click()
    expect(panel.locator("#appointment-heading")).to_have_text(f"{second['client']['first_name']} Test")
    panel.locator("[data-test=open-cancel]").click()
    panel.get_by_role("button", name="Cancel the session").click()  # no reason yet
    expect(panel.locator("[data-errors-for=cancel-reason]")).to_be_visible()
    panel.get_by_label("Reason for cancelling").fill("The family is moving away")
    panel.get_by_role("button", name="Cancel the session").click()
    expect(panel.locator("[data-test=status]")).to_have_text("Cancelled")
    expect(panel.locator("[data-test=cancel-reason]")).to_contain_text("The family is moving away")
    expect(panel.locator("[data-test=history] li")).to_have_count(2)
    expect(panel.locator("[data-test=history]")).to_contain_text("Reason: The family is moving away")
    expect(session(page, second["client"]["first_name"])).to_have_count(0)  # cancelled: off the default view

    page.goto(f"/staff/appointments/{first['id']}")
    history = page.locator("[data-test=history] li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Booked")
    expect(history.nth(1)).to_contain_text("Confirmed")
    assert [h["action"] for h in Api(system, "front_desk").get(f"appointments/{second['id']}/history")] == [
        "booked", "cancel"]


def test_a_move_over_a_conflict_needs_an_override_reason_which_the_panel_then_shows(page, system, services):
    therapist = new_therapist(system, services[0])
    day = weekday(3, 0)
    moving, taken = book(system, therapist, at(day, "10:00")), book(system, therapist, at(day, "15:00"))
    sign_in(page, system.login("front_desk"))
    page.goto(f"/staff/appointments/{moving['id']}")
    panel = page.locator("#appointment-panel")
    panel.locator("[data-test=open-reschedule]").click()
    panel.get_by_label("New time").fill("15:00")
    panel.get_by_role("button", name="Move the session").click()
    expect(panel.locator("[data-test=problem]")).to_contain_text("That slot is already taken")
    panel.get_by_label("Override reason").fill("Twins seen back to back")
    panel.get_by_role("button", name="Move the session").click()
    expect(panel.locator("[data-test=panel-message]")).to_contain_text("The session is moved to")
    expect(panel.locator("[data-test=override]")).to_contain_text("Twins seen back to back")
    assert Api(system, "front_desk").get(f"appointments/{moving['id']}")["start"] == taken["start"]


def test_each_view_renders_and_is_accessible_in_english_and_in_french(open_page, system, services, axe_source):
    therapist = new_therapist(system, services[0])
    day = weekday(2, 4)
    child = book(system, therapist, at(day, "09:00"))["client"]["first_name"]
    labels = {"en-GB": ("Day", "Week", "Month", "List", "Booked"),
              "fr-FR": ("Jour", "Semaine", "Mois", "Liste", "Réservée")}
    for locale, (day_label, week, month, listing, booked) in labels.items():
        page = open_page(locale=locale)
        sign_in(page, system.login("front_desk"))
        open_calendar(page, "resourceTimeGridDay", day)
        expect(page.locator(".ec-col-head", has_text=therapist["name"])).to_be_visible()  # a column per therapist
        expect(session(page, child)).to_contain_text(booked)
        assert_accessible(page, axe_source)
        for label, css in ((week, ".ec-week-view"), (month, ".ec-month-view"), (listing, ".ec-list")):
            page.locator(".ec-toolbar").get_by_role("button", name=label, exact=True).click()
            expect(page.locator(css)).to_be_visible()
            expect(session(page, child)).to_be_visible()
            assert_accessible(page, axe_source)
        page.locator(".ec-toolbar").get_by_role("button", name=day_label, exact=True).click()
        expect(page.locator(".ec-col-head", has_text=therapist["name"])).to_be_visible()
        assert "view=resourceTimeGridDay" in page.url


def test_filters_narrow_the_sessions_shown(page, system, services):
    room = Api(system, "org_admin").post("rooms", {"name": unique("Room "), "room_type": unique("gym-")})
    first, second = new_therapist(system, services[0]), new_therapist(system, services[1])
    day = weekday(3, 1)
    a = book(system, first, at(day, "09:00"))
    b = book(system, second, at(day, "11:00"), room_id=room["id"])
    Api(system, "front_desk").post(f"appointments/{a['id']}/confirm", {}, expect=200)
    a_child, b_child = a["client"]["first_name"], b["client"]["first_name"]
    sign_in(page, system.login("front_desk"))
    open_calendar(page, "timeGridWeek", day)
    expect(session(page, a_child)).to_be_visible()
    expect(session(page, b_child)).to_be_visible()
    checks = [("#filter-therapist", first["id"], a_child, b_child),
              ("#filter-service", services[1], b_child, a_child),
              ("#filter-room", room["id"], b_child, a_child),
              ("#filter-status", "confirmed", a_child, b_child)]
    for select, value, shown, hidden in checks:
        page.locator(select).select_option(value)
        expect(session(page, hidden)).to_have_count(0)
        expect(session(page, shown)).to_be_visible()
        page.locator(select).select_option("")
        expect(session(page, hidden)).to_be_visible()
    page.locator("#filter-therapist").select_option(second["id"])
    expect(session(page, a_child)).to_have_count(0)
    page.reload()  # the filters live in the address: a reload keeps them
    expect(page.locator("#filter-therapist")).to_have_value(second["id"])
    expect(session(page, b_child)).to_be_visible()
    expect(session(page, a_child)).to_have_count(0)


def test_at_768_pixels_the_calendar_and_its_panel_are_usable(open_page, system, services, axe_source):
    therapist = new_therapist(system, services[0])
    day = weekday(4, 0)
    child = book(system, therapist, at(day, "10:00"))["client"]["first_name"]
    page = open_page(width=768)
    sign_in(page, system.login("front_desk"))
    open_calendar(page, "timeGridWeek", day, therapist_id=therapist["id"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    session(page, child).click()
    expect(page.locator("#appointment-panel [data-test=status]")).to_have_text("Booked")
    assert_accessible(page, axe_source)


def test_a_therapist_sees_only_their_own_sessions_and_cannot_move_or_book(page, system):
    desk, amelie = Api(system, "front_desk"), system.logins["amelie@sunnysteps.example"]
    therapists = {t["name"]: t for t in Api(system, "org_admin").get("therapists", limit=200)}
    own, other = therapists["Amélie Laurent"], therapists["Samuel Okafor"]
    day = weekday(6, 1)
    mine = book(system, own, free_start(desk, own, day))
    theirs = book(system, other, free_start(desk, other, day))
    sign_in(page, amelie)
    open_calendar(page, "timeGridWeek", day)
    expect(session(page, mine["client"]["first_name"])).to_be_visible()
    expect(session(page, theirs["client"]["first_name"])).to_have_count(0)
    expect(page.locator("#filter-therapist")).to_have_count(0)
    expect(page.locator("[data-test=new-booking]")).to_have_count(0)
    assert page.locator(".ec-event.ec-draggable").count() == 0
    session(page, mine["client"]["first_name"]).click()
    panel = page.locator("#appointment-panel")
    expect(panel.locator("[data-test=status]")).to_have_text("Booked")
    expect(panel.locator("[data-action], [data-test=open-cancel], [data-test=open-reschedule]")).to_have_count(0)
    assert page.goto("/staff/booking").status == 403


def test_a_biller_gets_the_refusal_page_for_the_calendar_and_its_screens(page, system, services):
    appointment = book(system, new_therapist(system, services[0]), at(weekday(4, 1), "09:00"))
    sign_in(page, system.login("biller"))
    for path in ("/staff/calendar", "/staff/calendar/events?start=2026-12-01&end=2026-12-02",
                 f"/staff/appointments/{appointment['id']}", "/staff/booking"):
        assert page.goto(path).status == 403, path
        expect(page.get_by_role("heading", name="Not available to you")).to_be_visible()
    expect(page.locator("nav [data-nav='staff.calendar']")).to_have_count(0)


def free_start(api: Api, therapist: dict, day: dt.date) -> dt.datetime:
    """The first free start of a (shared, demo) therapist on a day, as the API offers it."""
    slots = api.get("slots", service_code=therapist["service_codes"][0], therapist_id=therapist["id"],
                    **{"from": day.isoformat(), "to": day.isoformat()})
    assert slots, f"{therapist['name']} has no free time on {day}"
    return dt.datetime.fromisoformat(slots[0]["start"])
