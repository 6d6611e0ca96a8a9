"""Staff accounts: the owner creates one and the person signs in with it; deactivating stops the sign-in; the
gateway's refusals are shown beside the form; an office manager only reads; the front desk is refused; in English
and French, at 768 px."""
from __future__ import annotations

import re
import uuid

import requests
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

LIST = "/staff/settings/accounts"


def api_token(system, login) -> dict[str, str]:
    resp = requests.post(f"{system.url}/api/v1/auth/login", json={"email": login.email, "password": login.password},
                         timeout=15)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def new_login(role: str, password: str = "a good password 2026"):
    from devstack.seed import Login

    return Login(role, f"{role.replace('_', '-')}-{uuid.uuid4().hex[:8]}@sunnysteps.example", password)


def created(system, login, name: str = "Test Person") -> dict:
    """An account made through the API by the owner."""
    resp = requests.post(f"{system.url}/api/v1/users", headers=api_token(system, system.login("org_admin")),
                         timeout=15, json={"email": login.email, "name": name, "role": login.role,
                                           "password": login.password})
    assert resp.status_code == 201, resp.text
    return resp.json()


def refused_sign_in(page, login) -> None:
    page.goto("/signin")
    page.get_by_label("E-mail").fill(login.email)
    page.get_by_label("Password").fill(login.password)
    page.locator("[data-test=sign-in]").click()
    expect(page.locator("[data-test=problem]")).to_be_visible()


def test_the_owner_creates_a_front_desk_account_and_the_person_signs_in_with_it(open_page, system):
    page = open_page()
    sign_in(page, system.login("org_admin"))
    page.goto(LIST)
    page.locator("[data-test=new-account]").click()
    person = new_login("front_desk")
    page.get_by_label("Name", exact=True).fill("Nadia Newdesk")
    page.get_by_label("Role", exact=True).select_option("front_desk")
    expect(page.get_by_label("Therapist record")).to_be_hidden()
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Initial password").fill(person.password)
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("#alerts")).to_contain_text("The account of Nadia Newdesk is created.")
    expect(page.locator("[data-test=account-summary]")).to_contain_text("Front desk")
    page.goto(LIST)
    row = page.locator(f"tr[data-account='{person.email}']")
    expect(row).to_contain_text("Nadia Newdesk")
    expect(row).to_contain_text("Never")
    newcomer = open_page()
    sign_in(newcomer, person)
    assert "/staff/calendar" in newcomer.url


def test_a_duplicate_e_mail_and_a_therapist_without_a_record_are_said_beside_their_fields(page, system):
    taken = new_login("biller")
    created(system, taken)
    sign_in(page, system.login("org_admin"))
    page.goto(f"{LIST}/new")
    page.get_by_label("Name", exact=True).fill("Twice Taken")
    page.get_by_label("Role", exact=True).select_option("biller")
    page.get_by_label("E-mail").fill(taken.email)
    page.get_by_label("Initial password").fill("another good password")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("[data-errors-for=email]")).to_have_text("An account with this e-mail address already exists.")
    page.get_by_label("E-mail").fill(new_login("therapist").email)
    page.get_by_label("Role", exact=True).select_option("therapist")
    expect(page.get_by_label("Therapist record")).to_be_visible()
    page.get_by_label("Initial password").fill("another good password")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("[data-errors-for=therapist_id]")).to_contain_text("therapist record")
    page.get_by_label("Therapist record").select_option(label="Julia Novak")
    page.get_by_label("Initial password").fill("short")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("[data-errors-for=password]")).to_have_text(re.compile(r"Use between \d+ and \d+ characters\."))
    page.get_by_label("Initial password").fill("another good password")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("[data-test=account-summary]")).to_contain_text("Therapist")
    expect(page.get_by_label("Therapist record")).to_have_value(re.compile(".{36}"))


def test_deactivating_an_account_stops_its_sign_in_and_reactivating_lets_it_back(open_page, system):
    person = new_login("biller")
    account = created(system, person, "Bea Biller")
    page = open_page()
    sign_in(page, system.login("org_admin"))
    page.goto(f"{LIST}/{account['id']}")
    page.locator("[data-test=deactivate]").click()
    expect(page.locator("#alerts")).to_contain_text("it can no longer sign in")
    expect(page.locator("[data-test=account-summary]")).to_contain_text("Deactivated")
    refused_sign_in(open_page(), person)
    page.locator("[data-test=reactivate]").click()
    expect(page.locator("#alerts")).to_contain_text("may sign in again")
    sign_in(open_page(), person, expect=r".*/staff/invoices.*")


def test_the_owner_signs_a_person_out_everywhere_and_their_browser_goes_to_sign_in_at_once(open_page, system):
    person = new_login("biller")
    account = created(system, person, "Lola Lostlaptop")
    laptop = open_page()
    sign_in(laptop, person, expect=r".*/staff/invoices.*")
    owner = open_page()
    sign_in(owner, system.login("org_admin"))
    owner.goto(f"{LIST}/{account['id']}")
    owner.locator("[data-test=end-sessions]").click()
    expect(owner.locator("#alerts")).to_contain_text("signed out everywhere")
    laptop.goto("/staff/invoices")
    expect(laptop).to_have_url(re.compile(r".*/signin.*"))
    sign_in(open_page(), person, expect=r".*/staff/invoices.*")  # the account itself stays


def test_a_new_password_replaces_the_old_one_and_mistakes_are_said_beside_the_fields(open_page, system):
    person = new_login("front_desk")
    account = created(system, person)
    page = open_page()
    sign_in(page, system.login("org_admin"))
    page.goto(f"{LIST}/{account['id']}")
    form = page.locator("[data-test=password-form]")
    form.get_by_label("New password", exact=True).fill("a brand new password")
    form.get_by_label("Repeat the new password").fill("a different one")
    form.get_by_role("button", name="Set the password").click()
    expect(page.locator("[data-errors-for=confirm]")).to_have_text("The two passwords differ.")
    form = page.locator("[data-test=password-form]")
    form.get_by_label("New password", exact=True).fill("a brand new password")
    form.get_by_label("Repeat the new password").fill("a brand new password")
    form.get_by_role("button", name="Set the password").click()
    expect(page.locator("#alerts")).to_contain_text("The new password is set.")
    refused_sign_in(open_page(), person)
    sign_in(open_page(), type(person)(person.role, person.email, "a brand new password"))


def test_the_owner_changes_a_role_and_an_office_manager_only_reads_the_accounts(open_page, system):
    manager, person = new_login("admin"), new_login("front_desk")
    created(system, manager, "Olga Office")
    account = created(system, person, "Rita Role")
    page = open_page()
    sign_in(page, system.login("org_admin"))
    page.goto(f"{LIST}/{account['id']}")
    page.get_by_label("Name", exact=True).fill("Rita Reception")
    page.get_by_label("Role", exact=True).select_option("biller")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#alerts")).to_contain_text("The account is saved.")
    expect(page.locator("[data-test=account-summary]")).to_contain_text("Biller")
    expect(page.get_by_role("heading", name="Rita Reception")).to_be_visible()

    office = open_page()  # staff accounts and roles are the owner's (security finding 5)
    sign_in(office, manager)
    office.goto(LIST)
    expect(office.locator(f"tr[data-account='{person.email}']")).to_contain_text("Rita Reception")
    expect(office.locator("[data-test=new-account]")).to_have_count(0)
    office.goto(f"{LIST}/{account['id']}")
    expect(office.locator("[data-test=read-only]")).to_be_visible()
    assert office.locator("[data-test=account-form], [data-test=deactivate]").count() == 0
    assert office.goto(f"{LIST}/new").status == 403


def test_the_front_desk_gets_the_refusal_page_on_every_account_screen(page, system):
    sign_in(page, system.login("front_desk"))
    for path in (LIST, f"{LIST}/new", f"{LIST}/{uuid.uuid4()}"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_role("heading", name="Not available to you")).to_be_visible()


def test_the_screens_are_accessible_in_english_and_french_and_usable_at_768_px(open_page, system, axe_source):
    person = created(system, new_login("biller"), "Axel Access")
    for locale, width in (("en-GB", 1280), ("fr-FR", 768)):
        page = open_page(locale=locale, width=width)
        sign_in(page, system.login("org_admin"))
        for path in (LIST, f"{LIST}/new", f"{LIST}/{person['id']}"):
            page.goto(path)
            assert_accessible(page, axe_source)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (locale, path)
        if locale == "fr-FR":
            expect(page.get_by_role("heading", name="Axel Access")).to_be_visible()
            expect(page.get_by_role("button", name="Désactiver le compte")).to_be_visible()
            page.goto(LIST)
            expect(page.get_by_role("heading", name=re.compile("Comptes du personnel"))).to_be_visible()
