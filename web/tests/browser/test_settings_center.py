"""The centre's details page: the owner edits them and the services follow, office managers read them, the logo
upload takes a PNG and refuses anything else, the front desk is refused; in English and French, at 768 px."""
from __future__ import annotations

import datetime as dt
import email
import struct
import uuid
import zlib
from email import policy

import pytest
import requests
from playwright.sync_api import expect

from servicekit.testing.pdf import pdf_text

from .api import eventually
from .conftest import assert_accessible, sign_in

PAGE = "/staff/settings/center"
FIELDS = ("name", "address", "phone", "email", "language", "registration_number", "vat_number")


def api_token(system, login) -> dict[str, str]:
    resp = requests.post(f"{system.url}/api/v1/auth/login", json={"email": login.email, "password": login.password},
                         timeout=15)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


@pytest.fixture()
def owner_headers(system):
    """The owner's API token; the centre's details are put back as they were after the test."""
    headers = api_token(system, system.login("org_admin"))
    before = requests.get(f"{system.url}/api/v1/center", timeout=15).json()
    yield headers
    restored = requests.put(f"{system.url}/api/v1/center", headers=headers, timeout=15,
                            json={name: before[name] for name in FIELDS})
    assert restored.status_code == 200, restored.text


def png(width=8, height=4) -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    pixels = zlib.compress(b"".join(b"\x00" + b"\x1f\x6f\xb4" * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def booked_family(system) -> tuple[dict, str]:
    """A session booked online by a new family (free slot found, retried if another test takes it)."""
    base, guardian = f"{system.url}/api/v1", f"parent-{uuid.uuid4().hex[:10]}@example.org"
    start = dt.date.today() + dt.timedelta(days=14 + uuid.uuid4().int % 60)
    slots = requests.get(f"{base}/slots", timeout=15, params={
        "service_code": "OT", "from": start.isoformat(), "to": (start + dt.timedelta(days=7)).isoformat()}).json()
    for slot in slots[uuid.uuid4().int % 5:]:
        resp = requests.post(f"{base}/appointments", timeout=15, json={
            "service_code": "OT", "start": slot["start"], "therapist_id": slot["therapist_id"],
            "client": {"first_name": "Lina", "last_name": f"Centre{uuid.uuid4().hex[:6]}"},
            "guardian": {"first_name": "Maya", "last_name": "Parent", "email": guardian}})
        if resp.status_code == 201:
            return resp.json(), guardian
    raise AssertionError("no free OT slot to book")


def draft_quotation_reader(system, headers):
    """A function reading the text of a new draft quotation's PDF (rendered when asked, with the centre's details)."""
    base = f"{system.url}/api/v1"
    appointment, _ = booked_family(system)
    [opportunity] = eventually(lambda: requests.get(f"{base}/opportunities", headers=headers, timeout=15, params={
        "appointment_id": appointment["id"]}).json(), what="the opportunity")
    quotation = eventually(lambda: (r := requests.post(f"{base}/quotations", headers=headers, timeout=15, json={
        "opportunity_id": opportunity["id"], "lines": [{"service_code": "OT", "quantity": 1}]})).status_code == 201
        and r.json(), what="the quotation")
    return lambda: pdf_text(requests.get(f"{base}/quotations/{quotation['id']}/pdf", headers=headers,
                                         timeout=15).content)


def mail_to(system, address: str):
    for path in sorted(system.mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in str(message["To"]):
            return message
    return None


def test_the_owner_changes_name_and_phone_and_a_quotation_and_an_e_mail_made_afterwards_carry_them(
        page, system, owner_headers):
    name, phone = f"Centre Les Lucioles {uuid.uuid4().hex[:6]}", "04 78 12 34 56"
    sign_in(page, system.login("org_admin"))
    page.goto(PAGE)
    page.get_by_label("Name of the centre").fill(name)
    page.get_by_label("Phone").fill(phone)
    page.get_by_role("button", name="Save the details").click()
    expect(page.locator("#alerts")).to_contain_text("The centre's details are saved.")
    expect(page.get_by_label("Name of the centre")).to_have_value(name)
    expect(page.locator("[data-test=letterhead]")).to_contain_text(name)
    expect(page.locator("[data-test=letterhead]")).to_contain_text(f"Phone {phone}")
    desk = api_token(system, system.login("front_desk"))
    text_of_pdf = draft_quotation_reader(system, desk)
    text = eventually(lambda: t if name in (t := text_of_pdf()) else None, what="the new name on the quotation")
    assert f"Phone {phone}" in text
    _, guardian = booked_family(system)  # the booking e-mail, queued after the change reached notifications
    message = eventually(lambda: mail_to(system, guardian), what="the booking e-mail")
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert f"Kind regards,\n{name}\n" in body and f"Phone: {phone}" in body
    assert str(message["From"]).startswith(name)


def test_a_bad_e_mail_and_phone_are_said_beside_their_fields_and_the_time_zone_is_read_only(page, system):
    sign_in(page, system.login("org_admin"))
    page.goto(PAGE)
    page.get_by_label("E-mail address for families").fill("not an address")
    page.get_by_label("Phone").fill("call us maybe")
    page.get_by_role("button", name="Save the details").click()
    expect(page.locator("[data-errors-for=email]")).to_have_text("Not a valid e-mail address.")
    expect(page.locator("[data-errors-for=phone]")).to_contain_text("Use digits, spaces")
    expect(page.get_by_label("E-mail address for families")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-test=timezone]")).to_have_text("Europe/Paris")
    assert page.locator("input[name=timezone], select[name=timezone]").count() == 0


def test_the_logo_upload_refuses_a_file_that_is_not_an_image_and_accepts_a_png(page, system, owner_headers):
    sign_in(page, system.login("org_admin"))
    page.goto(PAGE)
    page.get_by_label("Logo image").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": b"<svg xmlns='http://www.w3.org/2000/svg'/>"}])
    page.get_by_role("button", name="Upload the logo").click()
    expect(page.locator("[data-errors-for=logo]")).to_have_text("Only PNG or JPEG images are accepted.")
    page.get_by_label("Logo image").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png()}])
    expect(page.get_by_role("img", name="Preview of the chosen image")).to_be_visible()
    page.get_by_role("button", name="Upload the logo").click()
    expect(page.locator("#alerts")).to_contain_text("The new logo is saved.")
    logo = page.locator("[data-test=letterhead] img[data-test=logo]")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 8
    page.get_by_role("button", name="Remove the logo").click()
    expect(page.locator("#alerts")).to_contain_text("The logo is removed.")
    expect(logo).to_have_count(0)


def test_an_office_manager_reads_the_details_without_a_form(page, system):
    from devstack.seed import Login

    manager = Login("admin", f"manager-{uuid.uuid4().hex[:8]}@sunnysteps.example", "office manager 2026")
    resp = requests.post(f"{system.url}/api/v1/users", headers=api_token(system, system.login("org_admin")),
                         timeout=15, json={"email": manager.email, "name": "Olga Office", "role": "admin",
                                           "password": manager.password})
    assert resp.status_code == 201, resp.text
    sign_in(page, manager)
    page.goto(PAGE)
    expect(page.locator("[data-test=read-only]")).to_be_visible()
    expect(page.locator("[data-test=center-details]")).to_be_visible()
    assert page.locator("[data-test=center-form], [data-test=logo-form]").count() == 0


def test_the_front_desk_gets_the_refusal_page(page, system):
    sign_in(page, system.login("front_desk"))
    response = page.goto(PAGE)
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not available to you")).to_be_visible()


def test_the_page_is_accessible_in_english_and_french_and_usable_at_768_px(open_page, system, axe_source):
    english = open_page()
    sign_in(english, system.login("org_admin"))
    english.goto(PAGE)
    assert_accessible(english, axe_source)
    french = open_page(locale="fr-FR", width=768)
    sign_in(french, system.login("org_admin"))
    french.goto(PAGE)
    expect(french.get_by_role("heading", name="Coordonnées du centre")).to_be_visible()
    expect(french.get_by_role("button", name="Enregistrer les coordonnées")).to_be_visible()
    assert_accessible(french, axe_source)
    french.get_by_label("Adresse e-mail pour les familles").fill("pas une adresse")
    french.get_by_role("button", name="Enregistrer les coordonnées").click()
    expect(french.locator("[data-errors-for=email]")).to_have_text("Adresse e-mail non valide.")
    assert french.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(french, axe_source)
