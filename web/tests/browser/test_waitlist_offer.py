"""A family on the wait list is told when a session frees up, opens the e-mail's link on a phone and books it; a
second link, opened and left, changes nothing until its button is pressed."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from .api import Api, eventually, unique
from .clients_data import body_text, mail_to
from .conftest import assert_accessible

PARIS = ZoneInfo("Europe/Paris")
NINE_TO_FIVE = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]


def freed_slot_offered(system, address: str) -> tuple[str, str]:
    """A service and therapist of this test's own, a booked session, a wait-list entry for it, then the session
    cancelled: the slot is offered to the entry. (The entry's id, the offer e-mail's link.)"""
    admin, desk = Api(system, "org_admin"), Api(system, "front_desk")
    code = unique("W").upper()
    admin.post("service-types", {"code": code, "name": f"Wait-list therapy {code}", "duration_minutes": 60})
    therapist = admin.post("therapists", {"name": unique("Wait Therapist "), "service_codes": [code],
                                          "working_hours": NINE_TO_FIVE})
    today = dt.date.today()
    monday = today + dt.timedelta(days=14 - today.weekday())
    start = dt.datetime.combine(monday, dt.time(10, 0), tzinfo=PARIS)
    booked = desk.post("appointments", {"service_code": code, "therapist_id": therapist["id"],
                                        "start": start.isoformat(),
                                        "client": {"first_name": "Noé", "last_name": unique("Busy")},
                                        "guardian": {"first_name": "Ana", "last_name": "Busy",
                                                     "email": f"{unique('busy-')}@example.org"}})
    entry = Api(system).post("waitlist", {"service_code": code, "client": {"first_name": "Lina", "last_name": "Wait"},
                                          "guardian": {"first_name": "Maya", "last_name": "Wait", "email": address}})
    desk.post(f"appointments/{booked['id']}/cancel", {"reason": "Illness"}, expect=200)
    mail = mail_to(system.mail_dir, address, "A session is free")
    link = re.search(r"https?://\S+/waitlist/\S+/offer\?token=\S+", body_text(mail)).group(0)
    return entry["id"], link


def test_a_family_books_the_offered_session_from_the_e_mail_on_a_phone(open_page, system, axe_source):
    address = f"{unique('waiting-')}@example.org"
    entry_id, link = freed_slot_offered(system, address)
    scanner = open_page()
    scanner.goto(link)  # a mail scanner opening the link: nothing is booked
    expect(scanner.locator("[data-test=offer]")).to_be_visible()
    page = open_page(locale="fr-FR", width=390, height=844)
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Une séance s’est libérée pour Lina Wait")
    expect(page.locator("[data-test=hold-until]")).not_to_be_empty()
    assert_accessible(page, axe_source)
    page.locator("[data-test=book-offer]").click()
    expect(page.locator("[data-test=offer-booked]")).to_contain_text("la séance est réservée")
    desk = Api(system, "front_desk")
    booked = eventually(lambda: desk.get(f"waitlist/{entry_id}")["status"] == "booked", "the entry booked")
    assert booked
    page.goto(link)  # the link again: the offer was taken, and says so
    expect(page.locator("[data-test=offer-gone]")).to_contain_text("acceptée")


def test_leaving_the_wait_list_from_the_offer_and_a_made_up_link(open_page, system, axe_source):
    address = f"{unique('leaving-')}@example.org"
    entry_id, link = freed_slot_offered(system, address)
    page = open_page()
    page.goto(link)
    assert_accessible(page, axe_source)
    page.locator("[data-test=leave-waitlist]").click()
    expect(page.locator("[data-test=offer-left]")).to_be_visible()
    assert Api(system, "front_desk").get(f"waitlist/{entry_id}")["status"] == "removed"
    page.goto(re.sub(r"token=\S+", "token=made-up", link))
    expect(page.locator("[data-test=offer-gone]")).to_contain_text("not valid")
