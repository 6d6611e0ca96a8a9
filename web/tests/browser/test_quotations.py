"""The opportunity board and the quotation editor in real Chromium, up to the family signing from the e-mail."""
import re

from playwright.sync_api import expect

from .clients_data import Api, body_text, book, mail_to, new_family, opportunity_of, sign_in_at
from .conftest import assert_accessible

PDF_FRAME = ["iframe[data-test=pdf-preview]"]  # a PDF, not a page of ours: axe cannot look inside it


def _booked_online(system):
    """A family that booked online (no account): crm opens its client and opportunity from the booking."""
    family = new_family()
    appointment = book(None, system, family)
    opportunity = opportunity_of(Api(system, "front_desk"), appointment)  # within seconds, through the broker
    return family, opportunity


def _card(page, family, column):
    return page.locator(f"[data-test=column-{column}] [data-test=opportunity-card]").filter(has_text=family.name)


def test_the_board_shows_a_new_booking_and_a_lost_one_moves_with_its_reason(page, system, axe_source):
    family, opportunity = _booked_online(system)
    other, _ = _booked_online(system)
    sign_in_at(page, system.login("front_desk"), "/staff/opportunities")
    card = _card(page, family, "new")
    expect(card).to_contain_text("Occupational Therapy")
    expect(card).to_contain_text(re.compile(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d"))  # the first session
    assert_accessible(page, axe_source)
    leaving = _card(page, other, "new")
    leaving.locator("[data-test=mark-lost]").click()
    leaving.get_by_role("button", name="Mark as lost").click()  # no reason given
    refused = _card(page, other, "new")
    expect(refused.locator("[data-errors-for=reason]")).to_be_visible()
    refused.get_by_label("Why will it not go ahead?").fill("The family moved to Lyon")
    refused.get_by_role("button", name="Mark as lost").click()
    lost = _card(page, other, "lost")
    expect(lost.locator("[data-test=lost-reason]")).to_have_text("The family moved to Lyon")
    expect(_card(page, other, "new")).to_have_count(0)
    expect(_card(page, family, "new")).to_have_count(1)
    assert Api(system, "front_desk").get(f"opportunities/{opportunity['id']}")["stage"] == "new"


def test_the_board_and_an_opportunity_in_french_at_768_pixels(open_page, system, axe_source):
    family, opportunity = _booked_online(system)
    page = open_page(locale="fr-FR", width=768)
    sign_in_at(page, system.login("front_desk"), "/staff/opportunities")
    expect(page.get_by_role("heading", name="Opportunités", exact=True)).to_be_visible()
    expect(_card(page, family, "new")).to_be_visible()
    assert_accessible(page, axe_source)
    page.goto(f"/staff/opportunities/{opportunity['id']}")
    expect(page.get_by_role("heading", name="Nouveau devis")).to_be_visible()
    assert_accessible(page, axe_source)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_quotation_from_the_price_list_is_previewed_sent_signed_by_the_family_and_shows_the_evidence(
        open_page, system, axe_source):
    family, _ = _booked_online(system)
    page = open_page()
    sign_in_at(page, system.login("front_desk"), "/staff/opportunities")
    _card(page, family, "new").locator("[data-test=quote]").click()
    form = page.locator("[data-test=quote-form]")
    page.get_by_role("button", name="Create the quotation").click()  # nothing chosen yet
    expect(page.get_by_text("Give a quantity for at least one line of the price list.")).to_be_visible()
    assert_accessible(page, axe_source)
    form.get_by_label("Quantity: Occupational Therapy, Single session").fill("2")
    form.get_by_label("Quantity: Occupational Therapy, 10-session package").fill("1")
    expect(page.locator("[data-test=estimated-total]")).to_have_text("€880.00")
    page.get_by_role("button", name="Create the quotation").click()

    expect(page.locator("[data-test=quotation-status]")).to_have_text("Draft")
    lines = page.locator("[data-test=lines] tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("Occupational Therapy — Single session")
    expect(lines.nth(0)).to_contain_text("€160.00")
    expect(lines.nth(1)).to_contain_text("€720.00")
    expect(page.locator("[data-test=total]")).to_have_text("€880.00")
    frame = page.locator("iframe[data-test=pdf-preview]")
    expect(frame).to_have_attribute("title", re.compile(r"^Quotation Q"))
    pdf = page.request.get(frame.get_attribute("src"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    download = page.request.get(page.locator("[data-test=download]").get_attribute("href"))
    assert download.headers["content-disposition"].startswith("attachment")
    assert_accessible(page, axe_source, exclude=PDF_FRAME)

    page.locator("[data-test=send]").click()
    sent = page.locator("[data-test=sent]")
    expect(sent).to_contain_text(family.email)
    expect(page.locator("[data-test=quotation-status]")).to_have_text("Sent")
    share_url = page.locator("[data-test=share-url]").input_value()
    assert "/q/" in share_url and "access_token=" in share_url
    assert_accessible(page, axe_source, exclude=PDF_FRAME)

    message = mail_to(system.mail_dir, family.email, "uotation")
    link = re.search(r"https?://\S+/q/\S+", body_text(message)).group(0).rstrip(".,)>")
    guardian = open_page()
    guardian.goto(link)  # served by sales through the gateway, no sign-in: the link's token opens it
    guardian.get_by_label("Your full name").fill("Camille Parent")
    guardian.get_by_label("Type your name again as your signature").fill("Camille Parent")
    guardian.get_by_label(re.compile("I have read this quotation")).check()
    guardian.get_by_role("button", name="Sign the quotation").click()
    expect(guardian.get_by_role("status")).to_contain_text("the quotation is signed")

    page.reload()
    expect(page.locator("[data-test=quotation-status]")).to_have_text("Signed")
    evidence = page.locator("[data-test=evidence]")
    expect(evidence.locator("[data-test=signer]")).to_have_text("Camille Parent")
    expect(evidence.locator("[data-test=document-hash]")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(evidence).to_contain_text("Chrome")  # the browser the family signed with
    expect(page.locator("[data-test=send]")).to_have_count(0)
    assert_accessible(page, axe_source, exclude=PDF_FRAME)
    page.goto("/staff/quotations?status=signed")
    expect(page.get_by_role("link", name=family.name)).to_be_visible()
    assert_accessible(page, axe_source)


def test_the_quotation_editor_in_french(open_page, system, axe_source):
    family, opportunity = _booked_online(system)
    page = open_page(locale="fr-FR")
    sign_in_at(page, system.login("front_desk"), f"/staff/opportunities/{opportunity['id']}")
    page.get_by_label("Quantité : Occupational Therapy, Single session").fill("1")
    expect(page.locator("[data-test=estimated-total]")).to_have_text(re.compile(r"^80,00\s€$"))
    page.get_by_role("button", name="Créer le devis").click()
    expect(page.locator("[data-test=quotation-status]")).to_have_text("Brouillon")
    expect(page.locator("[data-test=total]")).to_have_text(re.compile(r"^80,00\s€$"))
    assert_accessible(page, axe_source, exclude=PDF_FRAME)
    page.goto("/staff/quotations")
    expect(page.get_by_role("link", name=family.name)).to_be_visible()
    assert_accessible(page, axe_source)


def test_only_the_front_desk_opens_opportunities_and_quotations(open_page, system):
    _, opportunity = _booked_online(system)
    for role in ("biller", "therapist"):
        page = open_page()
        sign_in_at(page, system.login(role), "/staff/opportunities")
        assert page.locator("[data-nav='staff.opportunities']").count() == 0
        for path in ("/staff/opportunities", f"/staff/opportunities/{opportunity['id']}", "/staff/quotations"):
            assert page.goto(path).status == 403, (role, path)
        expect(page.get_by_role("heading", name="Not available to you")).to_be_visible()
