"""Signing in and out, each role's home and navigation, the password change, in English and French."""
import re
import uuid

from .conftest import assert_accessible, sign_in

NAV = "nav[aria-label] .nav-link"


def test_the_front_desk_signs_in_lands_on_the_calendar_and_signs_out(page, system, axe_source):
    page.goto("/")
    assert page.url.endswith("/signin")
    assert_accessible(page, axe_source)
    sign_in(page, system.login("front_desk"))
    assert "/staff/calendar" in page.url
    page.get_by_role("button", name="Fatima Desk").click()
    page.locator("[data-test=sign-out]").click()
    page.wait_for_url(re.compile(r".*/signin$"))
    page.goto("/staff/calendar")
    assert "/signin?next=" in page.url  # the session is gone, server-side


def test_a_wrong_password_is_said_beside_the_form_and_no_session_starts(page, system):
    page.goto("/signin")
    page.get_by_label("E-mail").fill(system.login("front_desk").email)
    page.get_by_label("Password").fill("not the password")
    page.locator("[data-test=sign-in]").click()
    assert page.locator("[data-test=problem]").inner_text() == "Wrong e-mail or password."
    page.goto("/staff/calendar")
    assert "/signin" in page.url


def test_repeated_wrong_passwords_are_slowed_down_and_the_page_says_so_in_french_too(open_page, system):
    """The gateway's brakes on guessing (a 429) are said beside the form, never a failure page."""
    email = f"guess-{uuid.uuid4().hex[:8]}@sunnysteps.example"
    _create_front_desk_account(system, system.login("org_admin"), email)
    page = open_page(locale="fr-FR")
    page.goto("/signin")
    said = ""
    for _ in range(12):  # 5 free tries, then growing delays: some try soon answers "too many"
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Mot de passe").fill("not the password")
        page.locator("[data-test=sign-in]").click()
        said = page.locator("[data-test=problem]").inner_text()
        if said != "Adresse e-mail ou mot de passe incorrect.":
            break
    assert said == "Trop de tentatives de connexion échouées. Patientez un peu, puis réessayez."


def test_an_expired_session_goes_to_sign_in_then_back_to_the_page_asked_for(page, system):
    page.goto("/staff/invoices?status=due")
    assert "/signin?next=" in page.url
    sign_in(page, system.login("biller"), expect=r".*/staff/invoices\?status=due$")


def test_each_role_sees_only_its_own_navigation(open_page, system):
    seen = {}
    for role in ("biller", "front_desk", "org_admin"):
        page = open_page()
        sign_in(page, system.login(role))
        seen[role] = page.locator(NAV).evaluate_all("links => links.map(a => a.dataset.nav)")
    assert "staff.invoices" in seen["biller"] and "staff.calendar" not in seen["biller"]
    assert "staff.calendar" in seen["front_desk"]
    assert set(seen["front_desk"]) <= set(seen["org_admin"])


def test_a_biller_opening_a_front_desk_page_gets_a_friendly_refusal(page, system):
    sign_in(page, system.login("biller"))
    response = page.goto("/staff/calendar")
    assert response.status == 403
    assert page.get_by_role("heading", name="Not available to you").is_visible()


def test_the_whole_sign_in_works_in_french_chosen_by_the_browser(open_page, system, axe_source):
    page = open_page(locale="fr-FR")
    page.goto("/signin")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Connexion").is_visible()
    assert_accessible(page, axe_source)
    sign_in(page, system.login("front_desk"))
    assert page.get_by_role("link", name="Agenda").is_visible()


def test_the_language_switch_wins_over_the_browser_and_survives_sign_in(page, system):
    page.goto("/signin")
    page.locator("[data-test=language-fr]").click()
    assert page.get_by_role("heading", name="Connexion").is_visible()
    sign_in(page, system.login("front_desk"))
    assert page.locator("html").get_attribute("lang") == "fr"


def test_a_changed_password_works_and_the_old_one_no_longer_does(open_page, system):
    from devstack.seed import Login

    page = open_page()
    admin = system.login("org_admin")
    email = f"desk-{uuid.uuid4().hex[:8]}@sunnysteps.example"
    _create_front_desk_account(system, admin, email)
    sign_in(page, Login("front_desk", email, "first password 2026"))
    page.goto("/account/password")
    page.get_by_label("Current password").fill("first password 2026")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("short")
    page.get_by_role("button", name="Change password").click()
    assert "Use between 10 and 1024 characters." in page.locator("[data-errors-for=new_password]").inner_text()
    page.get_by_label("Current password").fill("first password 2026")
    page.get_by_label("New password", exact=True).fill("second password 2026")
    page.get_by_label("Repeat the new password").fill("second password 2026")
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_text("Your password has been changed.").is_visible()
    other = open_page()
    other.goto("/signin")
    other.get_by_label("E-mail").fill(email)
    other.get_by_label("Password").fill("first password 2026")
    other.locator("[data-test=sign-in]").click()
    assert other.locator("[data-test=problem]").is_visible()
    sign_in(other, Login("front_desk", email, "second password 2026"))


def test_a_new_password_signs_the_other_browsers_out_at_once_not_at_token_expiry(open_page, system):
    """Security review: access tokens kept working after a password change until they expired (15 minutes)."""
    from devstack.seed import Login

    email = f"desk-{uuid.uuid4().hex[:8]}@sunnysteps.example"
    _create_front_desk_account(system, system.login("org_admin"), email)
    person = Login("front_desk", email, "first password 2026")
    elsewhere, here = open_page(), open_page()
    sign_in(elsewhere, person)
    sign_in(here, person)
    here.goto("/account/password")
    here.get_by_label("Current password").fill("first password 2026")
    here.get_by_label("New password", exact=True).fill("second password 2026")
    here.get_by_label("Repeat the new password").fill("second password 2026")
    here.get_by_role("button", name="Change password").click()
    assert here.get_by_text("Your password has been changed.").is_visible()
    elsewhere.goto("/staff/calendar")
    assert "/signin" in elsewhere.url  # its session's tokens were refused at once
    here.goto("/staff/calendar")
    assert "/staff/calendar" in here.url  # the browser that changed it goes on


def _create_front_desk_account(system, admin, email):
    import requests

    api = f"{system.url}/api/v1"
    token = requests.post(f"{api}/auth/login", json={"email": admin.email, "password": admin.password},
                          timeout=10).json()["access_token"]
    resp = requests.post(f"{api}/users", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                         json={"email": email, "name": "Second Desk", "role": "front_desk",
                               "password": "first password 2026"})
    assert resp.status_code == 201, resp.text
