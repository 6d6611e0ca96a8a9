"""A family on the portal, on a phone: its sessions per child, Confirm, Cancel (a request the centre decides) and
the "change" that takes the request back; in French too; and a staff member is not let in."""
from __future__ import annotations

from playwright.sync_api import expect

from .api import Api
from .clients_data import book, new_family, portal_login, register
from .conftest import assert_accessible, sign_in


def family_on_the_portal(system):
    """A family on file with two sessions, its portal account activated from the welcome e-mail; its login."""
    desk = Api(system, "front_desk")
    family = register(desk, new_family())
    sessions = [book(desk, system, family), book(desk, system, family)]
    return portal_login(system, family.email), family, sessions


def test_a_family_confirms_one_session_asks_to_cancel_another_and_changes_its_mind(open_page, system, axe_source):
    login, family, (first, second) = family_on_the_portal(system)
    page = open_page(width=390, height=844)
    sign_in(page, login, expect=r".*/portal/")
    page.locator("[data-test=sessions]").click()
    expect(page.get_by_role("heading", name=family.name)).to_be_visible()
    cards = page.locator("[data-test=session]")
    expect(cards).to_have_count(2)
    assert_accessible(page, axe_source)
    cards.nth(0).locator("[data-test=confirm]").click()
    expect(page.locator("#alerts")).to_contain_text("the session is confirmed")
    expect(cards.nth(0).locator("[data-test=status]")).to_have_text("Confirmed by you")
    expect(cards.nth(0).locator("[data-test=confirm]")).to_have_count(0)  # confirmed: only Cancel is left
    cards.nth(1).locator("[data-test=cancel-box] summary").click()
    cards.nth(1).get_by_label("Reason (optional)").fill("A school trip")
    cards.nth(1).locator("[data-test=send-cancel]").click()
    expect(page.locator("#alerts")).to_contain_text("the centre will confirm the cancellation")
    expect(cards.nth(1).locator("[data-test=status]")).to_contain_text("Cancellation requested")
    cards.nth(1).locator("[data-test=withdraw]").click()
    expect(page.locator("#alerts")).to_contain_text("the session goes ahead")
    desk = Api(system, "front_desk")
    sooner, later = sorted((first, second), key=lambda a: a["start"])  # the cards come soonest first
    statuses = {a["id"]: a["status"] for a in (desk.get(f"appointments/{first['id']}"),
                                                  desk.get(f"appointments/{second['id']}"))}
    assert statuses == {sooner["id"]: "confirmed", later["id"]: "booked"}


def test_the_sessions_page_in_french_and_closed_to_staff(open_page, system, axe_source):
    login, _family, _sessions = family_on_the_portal(system)
    page = open_page(locale="fr-FR", width=390, height=844)
    sign_in(page, login, expect=r".*/portal/")
    page.goto("/portal/appointments")
    expect(page.get_by_role("heading", name="Vos séances")).to_be_visible()
    expect(page.locator("[data-test=confirm]").first).to_have_text("Confirmer")
    assert_accessible(page, axe_source)
    staff = open_page()
    sign_in(staff, system.login("front_desk"))
    answer = staff.goto("/portal/appointments")
    assert answer.status == 403
