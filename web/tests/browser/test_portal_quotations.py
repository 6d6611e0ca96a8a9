"""A family answers a quotation from the portal, on a phone: reads it, downloads it, signs it with its typed name
(the acceptance box is asked beside it), or declines another; in French too."""
from __future__ import annotations

from playwright.sync_api import expect

from .api import Api, eventually
from .clients_data import portal_login
from .conftest import assert_accessible, sign_in
from .test_tasks import book


def sent_quotation(system) -> tuple[dict, str]:
    """A family that booked online and was sent a quotation (not answered yet); the quotation, the guardian's
    address."""
    desk = Api(system, "front_desk")
    appointment = book(system)
    [opportunity] = eventually(lambda: desk.get("/opportunities", appointment_id=appointment["id"]), "opportunity")
    quotation = eventually(lambda: (r := desk.send("/quotations", {"opportunity_id": opportunity["id"], "lines": [
        {"service_code": "OT", "quantity": 2}]})).status_code == 201 and r.json(), "quotation")
    assert desk.send(f"/quotations/{quotation['id']}/send").status_code == 200
    return quotation, appointment["guardian"]["email"]


def test_a_family_signs_a_quotation_from_the_portal(open_page, system, axe_source):
    quotation, address = sent_quotation(system)
    login = portal_login(system, address)
    page = open_page(width=390, height=844)
    sign_in(page, login, expect=r".*/portal/")
    page.locator("[data-test=quotations]").click()
    card = page.locator("[data-test=quotation]", has_text=quotation["number"])
    expect(card.locator("[data-test=status]")).to_have_text("Sent")
    assert_accessible(page, axe_source)
    with page.expect_download() as download:
        card.locator("[data-test=pdf]").click()
    assert download.value.suggested_filename.endswith(".pdf")
    card.get_by_label("Your full name").fill("Maya Parent")
    card.locator("[data-test=sign]").click()  # the acceptance box left unticked
    expect(page.locator("[data-errors-for$=agree]")).to_be_visible()
    card = page.locator("[data-test=quotation]", has_text=quotation["number"])
    card.get_by_label("Your full name").fill("Maya Parent")
    card.get_by_label("I have read the quotation and I accept it").check()
    card.locator("[data-test=sign]").click()
    expect(page.locator("#alerts")).to_contain_text("the quotation is signed")
    expect(card.locator("[data-test=status]")).to_have_text("Signed")
    expect(card).to_contain_text("Signed by Maya Parent")
    assert Api(system, "front_desk").get(f"quotations/{quotation['id']}")["status"] == "signed"


def test_a_family_declines_a_quotation_in_french(open_page, system, axe_source):
    quotation, address = sent_quotation(system)
    page = open_page(locale="fr-FR", width=390, height=844)
    sign_in(page, portal_login(system, address), expect=r".*/portal/")
    page.goto("/portal/quotations")
    card = page.locator("[data-test=quotation]", has_text=quotation["number"])
    assert_accessible(page, axe_source)
    card.locator("[data-test=decline-box] summary").click()
    card.get_by_label("Pourquoi (facultatif)").fill("Trop loin de chez nous")
    card.locator("[data-test=decline]").click()
    expect(page.locator("#alerts")).to_contain_text("Le devis est refusé")
    assert Api(system, "front_desk").get(f"quotations/{quotation['id']}")["status"] == "declined"
