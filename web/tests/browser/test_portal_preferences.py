"""A family chooses its reminders on the portal, on a phone: a lead time out of range is said beside the field,
then e-mail and text messages 24 hours before are saved; in French too."""
from __future__ import annotations

from playwright.sync_api import expect

from .api import Api
from .clients_data import new_family, portal_login, register
from .conftest import assert_accessible, sign_in


def test_a_family_chooses_its_reminders(open_page, system, axe_source):
    desk = Api(system, "front_desk")
    family = register(desk, new_family())
    login = portal_login(system, family.email)
    page = open_page(width=390, height=844)
    sign_in(page, login, expect=r".*/portal/")
    page.locator("[data-test=preferences]").click()
    section = page.locator("[data-test=preferences]", has_text=family.name)
    expect(section.locator("[data-test=default-settings]")).to_be_visible()
    assert_accessible(page, axe_source)
    section.get_by_label("SMS", exact=True).check()
    section.get_by_label("Hours before the session").fill("100")
    section.locator("[data-test=save-preferences]").click()
    section = page.locator("[data-test=preferences]", has_text=family.name)
    expect(section.locator("[data-errors-for$=lead_hours]")).to_be_visible()
    section.get_by_label("Hours before the session").fill("24")
    section.get_by_label("Mobile number for text messages").fill("+33 6 12 34 56 78")
    section.locator("[data-test=save-preferences]").click()
    expect(page.locator("#alerts")).to_contain_text("Your reminder preferences are saved")
    saved = desk.get(f"reminder-settings/{family.client_id}")
    assert (sorted(saved["channels"]), saved["lead_hours"], saved["is_default"]) == (["email", "sms"], 24, False)
    french = open_page(locale="fr-FR", width=390, height=844)
    sign_in(french, login, expect=r".*/portal/")
    french.goto("/portal/preferences")
    expect(french.get_by_role("heading", name="Préférences de rappel")).to_be_visible()
    assert_accessible(french, axe_source)
