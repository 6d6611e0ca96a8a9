"""A family's invoices on the portal, on a phone: what is still owed, the payments received, the PDF; and another
family's invoice stays closed."""
from __future__ import annotations

from playwright.sync_api import expect

from .api import Api
from .clients_data import new_family, portal_login, register
from .conftest import assert_accessible, sign_in
from .test_billing import billable_client, issue


def test_a_family_sees_what_it_owes_its_payments_and_downloads_the_pdf(open_page, system, axe_source):
    spine = billable_client(system)
    invoice = issue(system, spine["client_id"])
    desk = Api(system, "front_desk")
    address = desk.get(f"appointments/{spine['appointment']['id']}")["guardian"]["email"]
    login = portal_login(system, address)
    desk.post(f"invoices/{invoice['id']}/payments", {"amount": "10.00", "method": "card"})
    page = open_page(width=390, height=844)
    sign_in(page, login, expect=r".*/portal/")
    page.locator("[data-test=invoices]").click()
    card = page.locator("[data-test=invoice]", has_text=invoice["number"])
    expect(card.locator("[data-test=status]")).to_contain_text("Partially paid")
    expect(card.locator("[data-test=payments]")).to_contain_text("Received €10.00")
    expect(page.locator("[data-test=owed]")).to_contain_text("Still to pay:")
    assert_accessible(page, axe_source)
    with page.expect_download() as download:
        card.locator("[data-test=pdf]").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    french = open_page(locale="fr-FR", width=390, height=844)
    sign_in(french, login, expect=r".*/portal/")
    french.goto("/portal/invoices")
    expect(french.locator("[data-test=owed]")).to_contain_text("Reste à payer")
    assert_accessible(french, axe_source)
    # Another family, signed in, cannot fetch this invoice's PDF through its own portal.
    other = register(desk, new_family())
    stranger = open_page()
    sign_in(stranger, portal_login(system, other.email), expect=r".*/portal/")
    assert stranger.request.get(f"/portal/invoices/{invoice['id']}/pdf").status in (403, 404)
    stranger.goto("/portal/invoices")
    expect(stranger.locator("[data-test=no-invoices]")).to_be_visible()
