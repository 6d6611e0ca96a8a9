"""Booking in real Chromium: from an empty time on the calendar, for an existing client, over a conflict with
a reason, and a weekly series that says what it booked and what conflicted and why."""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from .api import eventually
from .conftest import assert_accessible, sign_in
from .test_calendar import (Api, at, book, column_x, new_therapist, open_calendar, services, session,  # noqa: F401
                            time_y, unique, weekday)


def fill_family(page, child: str, guardian_email: str) -> None:
    child_fields, guardian_fields = page.locator("fieldset", has_text="Child"), page.locator(
        "fieldset", has_text="Parent or guardian")
    child_fields.get_by_label("First name").fill(child)
    child_fields.get_by_label("Last name").fill("Petit")
    guardian_fields.get_by_label("First name").fill("Claire")
    guardian_fields.get_by_label("Last name").fill("Petit")
    guardian_fields.get_by_label("E-mail").fill(guardian_email)


def sessions_of(system, therapist: dict, day: dt.date) -> list[dict]:
    return Api(system, "front_desk").get("calendar", view="day", date=day.isoformat(),
                                         therapist_id=therapist["id"])["appointments"]


def test_the_front_desk_books_a_new_family_from_an_empty_time_on_the_calendar(page, system, services, axe_source):
    therapist, day, child = new_therapist(system, services[0]), weekday(2, 0), unique("Noé-")
    sign_in(page, system.login("front_desk"))
    open_calendar(page, "resourceTimeGridDay", day)
    page.mouse.click(column_x(page, therapist["name"]), time_y(page, "10:00"))
    page.wait_for_url(re.compile(r".*/staff/booking\?.*"))
    expect(page.get_by_label("Date", exact=True)).to_have_value(day.isoformat())
    expect(page.get_by_label("Time", exact=True)).to_have_value("10:00")
    expect(page.get_by_label("Therapist")).to_have_value(therapist["id"])
    expect(page.get_by_label("Service")).to_have_value(services[0])  # the therapist's only service
    assert_accessible(page, axe_source)
    fill_family(page, child, f"{unique('claire-')}@example.org")
    page.locator("[data-test=book]").click()
    page.wait_for_url(re.compile(r".*/staff/calendar\?.*"))
    expect(page.locator("#alerts")).to_contain_text(f"Booked: {child} Petit on")
    expect(session(page, child)).to_contain_text("10:00")
    [booked] = sessions_of(system, therapist, day)
    assert booked["start"] == at(day, "10:00").isoformat() and booked["client"]["first_name"] == child
    assert booked["source"] == "front_desk" and booked["guardian"]["first_name"] == "Claire"


def test_a_weekly_series_lists_what_was_booked_and_what_conflicted_and_why(page, system, services, axe_source):
    therapist, first = new_therapist(system, services[0]), weekday(3, 2)
    taken = book(system, therapist, at(first + dt.timedelta(weeks=1), "10:00"))
    child = unique("Zoé-")
    sign_in(page, system.login("front_desk"))
    page.goto(f"/staff/booking?start={first.isoformat()}T10:00&therapist_id={therapist['id']}")
    fill_family(page, child, f"{unique('claire-')}@example.org")
    page.get_by_label("Repeat as a weekly series").check()
    page.get_by_label("Number of sessions").fill("3")
    page.locator("[data-test=book]").click()
    expect(page.get_by_role("heading", name="Weekly series")).to_be_visible()
    expect(page.locator("[data-test=series-summary]")).to_have_text("2 sessions booked, 1 not booked.")
    booked = page.locator("[data-test=series-booked] li")
    expect(booked).to_have_count(2)
    expect(booked.nth(0)).to_contain_text(f"{child} Petit")
    conflicts = page.locator("[data-test=series-conflicts] li")
    expect(conflicts).to_have_count(1)
    expect(conflicts.nth(0)).to_contain_text("That slot is already taken; pick another time.")
    expect(conflicts.nth(0)).to_contain_text((first + dt.timedelta(weeks=1)).strftime("%-d %b %Y"))
    assert_accessible(page, axe_source)
    for week in (0, 2):
        [one] = sessions_of(system, therapist, first + dt.timedelta(weeks=week))
        assert one["client"]["first_name"] == child and one["series_id"]
    assert [a["id"] for a in sessions_of(system, therapist, first + dt.timedelta(weeks=1))] == [taken["id"]]
    page.get_by_role("link", name="See them on the calendar").click()
    expect(session(page, child)).to_be_visible()


def test_an_existing_client_is_found_by_name_and_booked_in_a_suggested_slot(page, system, services):
    therapist, day = new_therapist(system, services[0]), weekday(3, 3)
    child = unique("Inès-")
    first = book(system, therapist, at(day, "09:00"), child=child)
    desk = Api(system, "front_desk")
    [client] = eventually(lambda: desk.get("clients", q=child), f"crm to know {child}")
    sign_in(page, system.login("front_desk"))
    page.goto("/staff/booking")
    page.get_by_label("Find an existing client by the child's name").fill(child[:9])
    results = page.locator("[data-test=client-results] li")
    expect(results.filter(has_text=child)).to_have_count(1)
    results.filter(has_text=child).get_by_role("link", name=f"Book for {child} Test").click()
    expect(page.locator("[data-test=chosen-client]")).to_contain_text(f"Booking for {child} Test")
    expect(page.locator("fieldset", has_text="Child").get_by_label("First name")).to_have_value(child)
    expect(page.locator("fieldset", has_text="Parent or guardian").get_by_label("E-mail")).to_have_value(
        first["guardian"]["email"])
    page.get_by_label("Therapist").select_option(therapist["id"])
    page.get_by_label("Service").select_option(services[0])
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.locator("[data-test=suggest-slots]").click()
    slot = page.locator(f"[data-test=slot][data-slot-start='{day.isoformat()}T11:00']")
    expect(slot).to_contain_text(f"11:00 · {therapist['name']}")
    expect(page.locator(f"[data-slot-start='{day.isoformat()}T09:00']")).to_have_count(0)  # the first session
    slot.click()
    expect(slot).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Time", exact=True)).to_have_value("11:00")
    page.locator("[data-test=book]").click()
    page.wait_for_url(re.compile(r".*/staff/calendar\?.*"))
    again = [a for a in sessions_of(system, therapist, day) if a["id"] != first["id"]]
    assert [(a["client_id"], a["start"]) for a in again] == [(client["id"], at(day, "11:00").isoformat())]


def test_a_taken_time_is_said_in_place_and_an_override_books_it_with_its_reason(page, system, services):
    therapist, day = new_therapist(system, services[0]), weekday(4, 2)
    book(system, therapist, at(day, "14:00"))
    child = unique("Léo-")
    sign_in(page, system.login("front_desk"))
    page.goto(f"/staff/booking?start={day.isoformat()}T14:00&therapist_id={therapist['id']}")
    fill_family(page, child, f"{unique('claire-')}@example.org")
    page.locator("[data-test=book]").click()
    expect(page.locator("[data-test=problem]")).to_contain_text("That slot is already taken; pick another time.")
    page.get_by_label("Override reason").fill("Sibling seen in the same session")
    page.locator("[data-test=book]").click()
    page.wait_for_url(re.compile(r".*/staff/calendar\?.*"))
    [over] = [a for a in sessions_of(system, therapist, day) if a["client"]["first_name"] == child]
    assert over["override"]["reason"] == "Sibling seen in the same session"
    session(page, child).click()
    expect(page.locator("#appointment-panel [data-test=override]")).to_contain_text("Sibling seen in the same")


def test_the_form_says_what_is_missing_beside_each_field_in_english_and_french_and_fits_768_px(
        open_page, system, services, axe_source):
    page = open_page()
    sign_in(page, system.login("front_desk"))
    page.goto("/staff/booking")
    page.locator("[data-test=book]").click()
    for name in ("client-first_name", "guardian-email", "service_code", "date", "time"):
        expect(page.locator(f"[data-errors-for='{name}']")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe_source)

    french = open_page(locale="fr-FR", width=768)
    sign_in(french, system.login("front_desk"))
    therapist, day = new_therapist(system, services[1]), weekday(4, 3)
    french.goto(f"/staff/booking?therapist_id={therapist['id']}&start={day.isoformat()}")
    expect(french.get_by_role("heading", name="Nouveau rendez-vous")).to_be_visible()
    assert french.evaluate("document.documentElement.scrollWidth") <= 768
    french.get_by_role("button", name="Proposer des créneaux libres").click()
    expect(french.locator("[data-test=slot]").first).to_be_visible()
    assert_accessible(french, axe_source)
    french.get_by_label("Répéter en série hebdomadaire").check()
    french.get_by_text("Réserver malgré un conflit ou hors des règles").click()
    french.get_by_label("Motif de la dérogation").fill("Exception")
    french.locator("[data-test=book]").click()
    expect(french.locator("[data-errors-for=override_reason]")).to_have_text(
        "Une dérogation s'applique à une séance, pas à une série.")
    expect(french.locator("[data-errors-for='client-first_name']")).to_be_visible()
    assert_accessible(french, axe_source)


def test_a_series_in_french_gives_each_conflict_its_reason_in_french(open_page, system, services, axe_source):
    therapist, first = new_therapist(system, services[1]), weekday(5, 1)
    book(system, therapist, at(first, "15:00"))
    page = open_page(locale="fr-FR")
    sign_in(page, system.login("front_desk"))
    page.goto(f"/staff/booking?start={first.isoformat()}T15:00&therapist_id={therapist['id']}")
    fill_family_fr(page, unique("Jade-"))
    page.get_by_label("Répéter en série hebdomadaire").check()
    page.get_by_label("Nombre de séances").fill("2")
    page.locator("[data-test=book]").click()
    expect(page.locator("[data-test=series-summary]")).to_have_text("1 séance réservée, 1 non réservée.")
    expect(page.locator("[data-test=series-conflicts]")).to_contain_text(
        "Ce créneau est déjà pris ; choisissez un autre horaire.")
    assert_accessible(page, axe_source)


def fill_family_fr(page, child: str) -> None:
    enfant, parent = page.locator("fieldset", has_text="Enfant"), page.locator("fieldset", has_text="Parent ou")
    enfant.get_by_label("Prénom").fill(child)
    enfant.get_by_label("Nom", exact=True).fill("Martin")
    parent.get_by_label("Prénom").fill("Hugo")
    parent.get_by_label("Nom", exact=True).fill("Martin")
    parent.get_by_label("Adresse e-mail").fill(f"{unique('hugo-')}@example.org")
