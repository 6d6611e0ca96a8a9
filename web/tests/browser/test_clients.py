"""The client list and the client file, in real Chromium: search, every tab, the editable tabs, each role's view."""
import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from .clients_data import (Api, book, eventually, invoiced, new_family, opportunity_of, register, sign_in_at,
                           signed_package)
from .conftest import assert_accessible

TABS = ("overview", "appointments", "sales", "tasks", "invoices", "messages", "reminders", "availability",
        "timeline")


def _search(page, text):
    with page.expect_response(lambda r: "/staff/clients?" in r.url and r.request.headers.get("hx-request")):
        page.get_by_label("Search", exact=True).fill(text)


def test_the_search_finds_a_family_by_name_guardian_email_or_phone_and_not_the_others(page, system, axe_source):
    api = Api(system, "front_desk")
    wanted, other = register(api, new_family()), register(api, new_family("Hugo"))
    sign_in_at(page, system.login("front_desk"), "/staff/clients")
    assert_accessible(page, axe_source)
    rows = page.locator("[data-test=client-row]")
    for text in (wanted.name, wanted.last_name.upper(), wanted.email, wanted.phone[4:]):
        _search(page, text)
        expect(rows.filter(has_text=wanted.name)).to_have_count(1)
        expect(rows.filter(has_text=other.name)).to_have_count(0)
        assert parse_qs(urlparse(page.url).query)["q"] == [text]  # in the address: back and reload keep it
    row = rows.filter(has_text=wanted.name)
    expect(row).to_contain_text(wanted.email)
    expect(row).to_contain_text(wanted.phone)
    expect(row).to_contain_text("Prospect")
    expect(row.locator("[data-test=balance]")).to_have_text("€0.00")
    _search(page, f"nobody-{wanted.tag}")
    expect(page.get_by_text("No client matches this search.")).to_be_visible()


def test_a_family_owing_money_shows_its_balance_in_the_list(page, system):
    api = Api(system, "front_desk")
    family = register(api, new_family())
    opportunity = opportunity_of(api, book(api, system, family))
    signed_package(api, opportunity)
    invoice = invoiced(api, family)
    sign_in_at(page, system.login("biller"), f"/staff/clients?q={family.tag}")
    row = page.locator("[data-test=client-row]").filter(has_text=family.name)
    expect(row.locator("[data-test=balance]")).to_have_text("€720.00")
    assert invoice["balance"] == "720.00"


def test_each_tab_of_the_client_file_shows_the_familys_records(page, system, axe_source):
    api = Api(system, "front_desk")
    family = register(api, new_family())
    opportunity = opportunity_of(api, book(api, system, family))
    quotation = signed_package(api, opportunity)
    invoice = invoiced(api, family)
    sign_in_at(page, system.login("front_desk"), "/staff/clients")
    _search(page, family.email)
    page.get_by_role("link", name=family.name).click()
    expect(page.locator("[data-test=client-name]")).to_have_text(family.name)
    expect(page.locator("[data-test=guardians]")).to_contain_text(family.email)
    expect(page.locator("[data-test=guardians]")).to_contain_text(family.phone)
    assert_accessible(page, axe_source)
    expected = {
        "appointments": "Occupational Therapy", "sales": quotation["number"], "tasks": "Occupational Therapy",
        "invoices": invoice["number"], "messages": "", "reminders": "Hours before the session",
        "availability": "Add a window", "timeline": "Session booked",
    }
    for key, text in expected.items():
        _open_tab(page, key)
        expect(page.locator(f"[data-test=tab-{key}]")).to_contain_text(text)
        assert_accessible(page, axe_source)
    _open_tab(page, "sales")
    expect(page.locator("[data-test=opportunities]")).to_contain_text("Won")
    _open_tab(page, "invoices")
    expect(page.locator("[data-test=balance-due]")).to_have_text("€720.00")
    expect(page.locator("[data-test=credits]")).to_contain_text("10 of 10 sessions left")
    page.reload()  # the address names the tab: opened directly it is the whole page, on that tab
    expect(page.locator("[data-test=tab-invoices]")).to_be_visible()
    expect(page.locator("[data-test=client-name]")).to_have_text(family.name)


def _open_tab(page, key):
    link = page.locator(f"a[data-tab={key}]")
    link.focus()
    page.keyboard.press("Enter")  # the tab bar works from the keyboard
    expect(page.locator(f"[data-test=tab-{key}]")).to_be_visible()
    expect(page.locator(f"a[data-tab={key}]")).to_have_attribute("aria-current", "page")


def test_the_messages_tab_lists_what_was_sent_to_the_family(page, system):
    api = Api(system, "front_desk")
    family = register(api, new_family())
    book(api, system, family)
    # notifications queues the booking confirmation from appointment.booked
    eventually(lambda: Api(system, "biller").get("notifications", client_id=family.client_id), "the confirmation")
    sign_in_at(page, system.login("biller"), f"/staff/clients/{family.client_id}/messages")
    expect(page.locator("[data-test=messages]")).to_contain_text(family.email)
    expect(page.locator("[data-test=messages]")).to_contain_text("Session booked")


def test_reminder_lead_hours_out_of_range_are_refused_beside_the_field_then_saved(page, system, axe_source):
    family = register(Api(system, "front_desk"), new_family())
    sign_in_at(page, system.login("front_desk"), f"/staff/clients/{family.client_id}/reminders")
    form = page.locator("[data-test=reminder-form]")
    form.get_by_label("Hours before the session").fill("100")
    form.get_by_role("button", name="Save the reminder settings").click()
    errors = page.locator("[data-errors-for=lead_hours]")
    expect(errors).to_contain_text("72")
    expect(page.get_by_label("Hours before the session")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Hours before the session")).to_be_focused()
    assert_accessible(page, axe_source)
    page.get_by_label("Hours before the session").fill("24")
    page.get_by_label("SMS").check()
    page.get_by_label("Mobile number for text messages").fill("+33 6 98 76 54 32")
    page.get_by_role("button", name="Save the reminder settings").click()
    expect(page.locator("[data-test=saved]")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Hours before the session")).to_have_value("24")
    expect(page.get_by_label("SMS")).to_be_checked()
    expect(page.get_by_label("Mobile number for text messages")).to_have_value(re.compile(r"\+33\s?6\s?98"))


def test_availability_windows_are_saved_and_a_wrong_one_is_refused_on_its_row(page, system):
    family = register(Api(system, "front_desk"), new_family())
    sign_in_at(page, system.login("front_desk"), f"/staff/clients/{family.client_id}/availability")
    rows = page.locator("[data-test=window-row]")
    rows.nth(0).get_by_label("Day").select_option(label="Wednesday")
    rows.nth(0).get_by_label("Start time").fill("14:00")
    rows.nth(0).get_by_label("End time").fill("12:00")
    page.get_by_role("button", name="Save the availability").click()
    expect(page.locator("[data-errors-for='windows-0-end']")).to_be_visible()
    rows.nth(0).get_by_label("End time").fill("17:30")
    page.get_by_role("button", name="Add a window").click()
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_label("Day").select_option(label="Saturday")
    rows.nth(1).get_by_label("Start time").fill("09:00")
    rows.nth(1).get_by_label("End time").fill("11:00")
    page.get_by_role("button", name="Save the availability").click()
    expect(page.locator("[data-test=saved]")).to_be_visible()
    page.reload()
    expect(rows).to_have_count(3)  # the two windows and a blank row to add one
    expect(rows.nth(0).get_by_label("Start time")).to_have_value("14:00")
    expect(rows.nth(1).get_by_label("End time")).to_have_value("11:00")


def test_the_front_desk_corrects_the_childs_details(page, system):
    family = register(Api(system, "front_desk"), new_family())
    sign_in_at(page, system.login("front_desk"), f"/staff/clients/{family.client_id}")
    page.get_by_text("Edit the child's details").click()
    page.get_by_label("First name").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-errors-for=first_name]")).to_be_visible()
    page.get_by_label("First name").fill("Inès-Marie")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-test=client-name]")).to_have_text(f"Inès-Marie {family.last_name}")
    expect(page.locator("[data-test=client-status]")).to_have_text("Active")


def test_the_client_file_in_french_at_768_pixels(open_page, system, axe_source):
    api = Api(system, "front_desk")
    family = register(api, new_family())
    book(api, system, family)
    page = open_page(locale="fr-FR", width=768)
    sign_in_at(page, system.login("front_desk"), "/staff/clients")
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    assert_accessible(page, axe_source)
    page.goto(f"/staff/clients/{family.client_id}")
    expect(page.locator("a[data-tab=overview]")).to_have_text("Aperçu")
    assert_accessible(page, axe_source)
    for key in TABS[1:]:
        _open_tab(page, key)
        assert_accessible(page, axe_source)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_therapist_is_refused_the_client_list_and_a_biller_reads_without_editing(open_page, system):
    family = register(Api(system, "front_desk"), new_family())
    therapist = open_page()
    sign_in_at(therapist, system.login("therapist"), "/staff/clients")
    assert therapist.goto("/staff/clients").status == 403
    assert therapist.locator("[data-nav='staff.clients']").count() == 0
    expect(therapist.get_by_role("heading", name="Not available to you")).to_be_visible()
    assert therapist.goto(f"/staff/clients/{family.client_id}").status == 403

    biller = open_page()
    sign_in_at(biller, system.login("biller"), f"/staff/clients/{family.client_id}")
    expect(biller.locator("[data-test=client-name]")).to_have_text(family.name)
    assert biller.locator("a[data-tab]").evaluate_all("links => links.map(a => a.dataset.tab)") == [
        "overview", "invoices", "messages"]
    assert biller.locator("[data-test=edit-client]").count() == 0
    assert biller.goto(f"/staff/clients/{family.client_id}/reminders").status == 403
    token = biller.locator("meta[name=csrf-token]").get_attribute("content")
    refused = biller.request.post(f"/staff/clients/{family.client_id}", headers={"X-CSRFToken": token},
                                  form={"first_name": "Changed", "last_name": "By biller", "status": "inactive"})
    assert refused.status == 403
    assert Api(system, "front_desk").get(f"clients/{family.client_id}")["first_name"] == family.first_name
