"""Billing in real Chromium: invoicing completed work, partial and final payments, package credit, the PDF,
the lists by status and balance, in English and French, and who may not see it."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in
from .api import Api, eventually
from .test_tasks import complete, signed_quotation, tasks_of


def billable_client(system, lines=None) -> dict:
    """A client whose session(s) were completed and became billable (the spine up to billing)."""
    spine = signed_quotation(system, lines)
    tasks = tasks_of(system, spine["quotation"]["id"], count=len(lines or [None]))
    for task in tasks:
        complete(system, task)
    desk = Api(system, system.login("front_desk"))
    spine["items"] = eventually(lambda: (found := desk.get("/billable-items", client_id=spine["client_id"]))
                              and len(found) >= len(tasks) and found, "billable items from task.completed")
    return spine


def package_client(system) -> dict:
    """A client whose signed 10-session package is billable and opened package credits."""
    desk = Api(system, system.login("front_desk"))
    package = next(p for p in desk.get("/price-list") if p["service_code"] == "OT" and p["kind"] == "package")
    spine = signed_quotation(system, [{"service_code": "OT", "quantity": 1, "price_item_id": package["id"]}])
    eventually(lambda: desk.get("/credits", client_id=spine["client_id"]), "package credits from quotation.signed")
    spine["items"] = eventually(lambda: desk.get("/billable-items", client_id=spine["client_id"]), "package item")
    return spine


def issue(system, client_id: str, item_ids: list[str] | None = None) -> dict:
    body = {"client_id": client_id, **({"billable_item_ids": item_ids} if item_ids else {})}
    resp = Api(system, system.login("front_desk")).send("/invoices", body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def pay(page, amount: str, method: str) -> None:
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("Method").select_option(label=method)
    page.locator("[data-test=record-payment]").click()


def test_the_desk_invoices_a_completed_session_and_two_payments_settle_it(page, system, axe_source):
    spine = billable_client(system)
    sign_in(page, system.login("front_desk"))
    page.goto("/staff/invoices")
    page.locator("[data-test=to-invoice-tab]").click()
    row = page.locator(f"tr[data-client='{spine['client_id']}']")
    expect(row).to_contain_text(spine["client_name"])
    expect(row).to_contain_text("€80.00")
    assert_accessible(page, axe_source)
    row.locator("[data-test=prepare-invoice]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"New invoice for {spine['client_name']}")
    expect(page.get_by_role("checkbox")).to_be_checked()
    assert_accessible(page, axe_source)
    page.locator("[data-test=issue-invoice]").click()
    expect(page.locator("[data-test=invoice-status]")).to_have_text("Issued")
    expect(page.locator("[data-test=balance]")).to_have_text("€80.00")
    expect(page.get_by_label("Amount")).to_have_value("80.00")  # the whole balance, ready for a full payment
    assert "Package credit" not in page.get_by_label("Method").inner_text()  # no package: not offered
    assert_accessible(page, axe_source)

    pay(page, "ten", "Card")
    expect(page.locator("[data-errors-for=amount]")).to_be_visible()
    pay(page, "100.00", "Card")
    expect(page.locator("[data-test=problem]")).to_contain_text("exceeds the balance")
    pay(page, "30,00", "Card")
    expect(page.locator("[data-test=notice]")).to_contain_text("Payment of €30.00 recorded.")
    expect(page.locator("[data-test=invoice-status]")).to_have_text("Partially paid")
    expect(page.locator("[data-test=balance]")).to_have_text("€50.00")
    expect(page.get_by_label("Amount")).to_have_value("50.00")
    pay(page, "50.00", "Cash")
    expect(page.locator("[data-test=invoice-status]")).to_have_text("Paid")
    expect(page.locator("[data-test=balance]")).to_have_text("€0.00")
    expect(page.locator("[data-test=payment-form]")).to_have_count(0)
    expect(page.locator("[data-test=payments] tbody tr")).to_have_count(2)
    invoice_id = page.locator("#invoice").get_attribute("data-invoice")
    invoice = Api(system, system.login("biller")).get(f"/invoices/{invoice_id}")
    assert (invoice["status"], invoice["balance"], [p["method"] for p in invoice["payments"]]) == (
        "paid", "0.00", ["card", "cash"])

    pdf = page.request.get(page.locator("[data-test=pdf-download]").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    page.get_by_text("Preview the PDF").click()
    expect(page.locator("iframe.invoice-preview")).to_have_attribute("src", re.compile(rf"/staff/invoices/{invoice_id}/pdf$"))


def test_the_lists_filter_by_status_and_balance_and_a_biller_voids_an_unpaid_invoice(page, system, axe_source):
    spine = billable_client(system, [{"service_code": "OT", "quantity": 1}, {"service_code": "OT", "quantity": 1}])
    first, second = spine["items"]
    unpaid = issue(system, spine["client_id"], [first["id"]])
    settled = issue(system, spine["client_id"], [second["id"]])
    assert Api(system, system.login("biller")).send(
        f"/invoices/{settled['id']}/payments", {"amount": settled["balance"], "method": "transfer"}).status_code == 201
    sign_in(page, system.login("biller"), expect=r".*/staff/invoices\?status=due$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoices due")
    assert_accessible(page, axe_source)

    page.goto(f"/staff/invoices?client_id={spine['client_id']}")
    listed = page.locator("[data-test=invoices] tbody tr")
    expect(listed).to_have_count(2)
    expect(page.get_by_text(f"Invoices of {spine['client_name']}.")).to_be_visible()
    page.get_by_label("Status").select_option(label="Due (issued or partially paid)")
    page.get_by_role("button", name="Show").click()
    expect(listed).to_have_count(1)
    expect(page.locator(f"tr[data-invoice='{unpaid['id']}']")).to_be_visible()
    expect(page).to_have_url(re.compile(r"status=due"))
    page.get_by_label("Status").select_option(label="Paid")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(f"tr[data-invoice='{settled['id']}']")).to_be_visible()
    expect(listed).to_have_count(1)
    page.get_by_label("Status").select_option(label="All statuses")
    page.get_by_label("Only with a balance to pay").check()
    page.get_by_role("button", name="Show").click()
    expect(page.locator(f"tr[data-invoice='{unpaid['id']}']")).to_be_visible()
    expect(listed).to_have_count(1)
    expect(page).to_have_url(re.compile(r"balance=1"))

    page.get_by_role("link", name=unpaid["number"]).click()
    page.get_by_text("Void this invoice").click()
    page.get_by_label("Reason").fill("Issued twice by mistake")
    page.get_by_role("button", name="Void the invoice").click()
    expect(page.locator("[data-test=invoice-status]")).to_have_text("Void")
    expect(page.locator("[data-test=balance]")).to_have_text("€0.00")
    page.goto(f"/staff/invoices?client_id={spine['client_id']}&status=due")
    expect(page.locator("[data-test=no-invoices]")).to_be_visible()


def test_package_credit_pays_while_prepaid_sessions_are_left_then_the_apis_refusal_shows_in_place(page, system):
    spine = package_client(system)
    invoice = issue(system, spine["client_id"])
    desk = Api(system, system.login("front_desk"))
    sign_in(page, system.login("front_desk"))
    page.goto(f"/staff/invoices/{invoice['id']}")
    expect(page.get_by_text("The client has 10 prepaid package sessions left.")).to_be_visible()
    pay(page, "20.00", "Package credit")
    expect(page.locator("[data-test=invoice-status]")).to_have_text("Partially paid")
    expect(page.locator("[data-test=payments]")).to_contain_text("Package credit")
    # The package's sessions are all used up (its task is completed) while this page stays open.
    [task] = tasks_of(system, spine["quotation"]["id"])
    complete(system, task)
    eventually(lambda: all(c["sessions_left"] == 0 for c in desk.get("/credits", client_id=spine["client_id"])),
             "the package's credit used by task.completed")
    pay(page, "20.00", "Package credit")
    expect(page.locator("[data-test=problem]")).to_have_text(
        "This client has no prepaid package sessions left; choose another payment method.")
    assert "Package credit" not in page.get_by_label("Method").inner_text()
    assert desk.get(f"/invoices/{invoice['id']}")["paid"] == "20.00"


def test_billing_in_french_at_768_pixels(open_page, system, axe_source):
    spine = billable_client(system)
    page = open_page(locale="fr-FR", width=768)
    sign_in(page, system.login("front_desk"))
    page.goto("/staff/invoices/to-invoice")
    expect(page.locator(f"tr[data-client='{spine['client_id']}']")).to_contain_text("80,00")
    assert_accessible(page, axe_source)
    page.goto(f"/staff/invoices/new?client_id={spine['client_id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Nouvelle facture pour {spine['client_name']}")
    assert_accessible(page, axe_source)
    page.get_by_role("button", name="Émettre la facture").click()
    expect(page.locator("[data-test=invoice-status]")).to_have_text("Émise")
    expect(page.get_by_label("Montant")).to_have_value("80,00")
    assert_accessible(page, axe_source)
    page.get_by_label("Montant").fill("20,50")
    page.get_by_label("Mode de paiement").select_option(label="Espèces")
    page.locator("[data-test=record-payment]").click()
    expect(page.locator("[data-test=notice]")).to_contain_text("Paiement de 20,50")
    expect(page.locator("[data-test=balance]")).to_contain_text("59,50")
    invoice_id = page.locator("#invoice").get_attribute("data-invoice")
    page.goto("/staff/invoices?status=due")
    expect(page.get_by_role("heading", level=1)).to_have_text("Factures à encaisser")
    expect(page.locator(f"tr[data-invoice='{invoice_id}']")).to_contain_text("Partiellement payée")
    assert_accessible(page, axe_source)


def test_a_therapist_is_refused_every_billing_page(page, system):
    sign_in(page, next(login for login in system.logins.values() if login.role == "therapist"))
    for path in ("/staff/invoices?status=due", "/staff/invoices/to-invoice"):
        assert page.goto(path).status == 403
        expect(page.get_by_role("heading", name="Not available to you")).to_be_visible()
