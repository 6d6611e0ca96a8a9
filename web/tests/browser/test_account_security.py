"""One's own account in real Chromium: two-factor sign-in (set up, then signing in with a code), ending another
session, a forgotten password reset through the real e-mail, and a family's activation page."""
import re
import time

import pyotp
from playwright.sync_api import expect

from .api import Api, eventually, unique
from .clients_data import body_text, mail_to, new_family, register
from .conftest import assert_accessible

PASSWORD = "first password 2026"


def staff_account(system, role="front_desk"):
    """A new staff account of the (optional two-factor) `role`; its e-mail."""
    email = f"{unique('desk-')}@sunnysteps.example"
    Api(system, "org_admin").post("users", {"email": email, "name": f"Desk {email[:10]}", "role": role,
                                            "password": PASSWORD})
    return email


def sign_in(page, email, password=PASSWORD):
    page.goto("/signin")
    page.get_by_label(re.compile("^(E-mail|Adresse e-mail)")).fill(email)
    page.get_by_label(re.compile("^(Password|Mot de passe)$")).fill(password)
    page.locator("[data-test=sign-in]").click()


def code(secret, steps=0):
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def test_two_factor_sign_in_is_set_up_from_the_security_page_then_asked_at_sign_in(open_page, system, axe_source):
    email = staff_account(system)
    page = open_page()
    sign_in(page, email)
    page.wait_for_url(re.compile(r".*/staff/"))
    page.get_by_role("button", name=re.compile("^Desk ")).click()
    page.locator("[data-test=security]").click()
    expect(page.locator("[data-test=two-factor-status]")).to_contain_text("Off")
    page.locator("[data-test=set-up]").click()
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert_accessible(page, axe_source)
    secret = page.locator("[data-test=secret]").inner_text().replace(" ", "")
    page.get_by_label("Code", exact=True).fill("000000")
    page.locator("[data-test=confirm-code]").click()
    expect(page.locator("[data-errors-for=code]")).to_contain_text("not right")
    page.get_by_label("Code", exact=True).fill(code(secret))
    page.locator("[data-test=confirm-code]").click()
    codes = page.locator("[data-test=recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    page.locator("[data-test=codes-saved]").click()
    expect(page.locator("[data-test=two-factor-status]")).to_contain_text("10 recovery codes left")
    page.goto("/account/security/recovery-codes")  # shown once: gone now
    assert page.url.endswith("/account/security")

    later = open_page()
    sign_in(later, email)
    later.wait_for_url(re.compile(r".*/signin/code$"))
    assert_accessible(later, axe_source)
    later.get_by_label("Code", exact=True).fill(codes[0])  # a recovery code works once
    later.locator("[data-test=verify]").click()
    later.wait_for_url(re.compile(r".*/staff/"))
    third = open_page()
    sign_in(third, email)
    third.wait_for_url(re.compile(r".*/signin/code$"))
    third.get_by_label("Code", exact=True).fill(code(secret, 1))
    third.locator("[data-test=verify]").click()
    third.wait_for_url(re.compile(r".*/staff/"))


def test_the_security_page_lists_the_sessions_and_signs_another_one_out(open_page, system, axe_source):
    email = staff_account(system)
    laptop, phone = open_page(), open_page(locale="fr-FR")
    for page in (laptop, phone):
        sign_in(page, email)
        page.wait_for_url(re.compile(r".*/staff/"))
    laptop.goto("/account/security")
    sessions = laptop.locator("[data-test=session]")
    expect(sessions).to_have_count(2)
    expect(laptop.locator("[data-test=this-session]")).to_have_count(1)
    expect(sessions.first).to_contain_text("Chrom")  # the browser's own User-Agent, forwarded by web
    assert_accessible(laptop, axe_source)
    laptop.locator("[data-test=end-session]").click()
    expect(laptop.locator("[data-test=session]")).to_have_count(1)
    phone.goto("/account/security")
    assert "/signin" in phone.url  # its session ended at once
    laptop.goto("/account/security")
    assert laptop.url.endswith("/account/security")  # this one goes on (its access token refreshed)


def test_a_forgotten_password_is_reset_through_the_emailed_link_in_french(open_page, system, axe_source):
    email = staff_account(system)
    page = open_page(locale="fr-FR")
    page.goto("/signin")
    page.locator("[data-test=forgot-password]").click()
    assert_accessible(page, axe_source)
    page.get_by_label(re.compile("^(Adresse e-mail|E-mail)")).fill(email)
    page.locator("[data-test=send-reset]").click()
    expect(page.locator("[data-test=reset-sent]")).to_contain_text("Si un compte utilise cette adresse")
    link = re.search(r"https?://\S+/reset-password\?token=\S+", body_text(mail_to(system.mail_dir, email,
                                                                                  "new password"))).group(0)
    page.goto(link)
    assert_accessible(page, axe_source)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("court")
    page.locator("[data-test=save-password]").click()
    expect(page.locator("[data-errors-for=password]")).to_be_visible()
    page.get_by_label("Nouveau mot de passe", exact=True).fill("my brand new password")
    page.get_by_label("Répétez le nouveau mot de passe").fill("my brand new password")
    page.locator("[data-test=save-password]").click()
    page.wait_for_url(re.compile(r".*/staff/"))
    again = open_page(locale="fr-FR")
    again.goto(link)  # a used link says so at once
    expect(again.locator("[data-test=link-gone]")).to_contain_text("a expiré ou a déjà été utilisé")
    expect(again.locator("[data-test=ask-again]")).to_be_visible()


def test_a_family_activates_its_account_from_the_welcome_e_mail(open_page, system, axe_source):
    desk = Api(system, "front_desk")
    family = register(desk, new_family())
    account = eventually(lambda: desk.get("users", email=family.email), "the family's portal account")[0]
    desk.post(f"users/{account['id']}/invitation", expect=201)
    link = re.search(r"https?://\S+/activate\?token=\S+", body_text(mail_to(system.mail_dir, family.email,
                                                                           "Welcome"))).group(0)
    page = open_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="Activate your account")).to_be_visible()
    assert_accessible(page, axe_source)
    page.get_by_label("New password", exact=True).fill("our family password")
    page.get_by_label("Repeat the new password").fill("our family password")
    page.locator("[data-test=save-password]").click()
    page.wait_for_url(re.compile(r".*/portal/"))
    used = open_page()
    used.goto(link)
    expect(used.locator("[data-test=link-gone]")).to_contain_text("expired or was already used")


def test_the_owner_sees_someones_two_factor_sign_in_and_resets_it_for_a_lost_phone(open_page, system, axe_source):
    email = staff_account(system)
    person = Api(system, None)
    token = person.call("POST", "auth/login", json={"email": email, "password": PASSWORD}).json()["access_token"]
    person.http.headers["Authorization"] = f"Bearer {token}"
    secret = person.post("users/me/second-factor", expect=200)["secret"]
    person.post("users/me/second-factor/confirm", {"code": code(secret)}, expect=200)
    [account] = Api(system, "org_admin").get("users", email=email)
    page = open_page(locale="fr-FR")
    owner = system.login("org_admin")
    sign_in(page, owner.email, owner.password)
    page.wait_for_url(re.compile(r".*/staff/"))
    page.goto(f"/staff/settings/accounts/{account['id']}")
    expect(page.locator("[data-test=second-factor-on]")).to_be_visible()
    assert_accessible(page, axe_source)
    page.locator("[data-test=reset-second-factor]").click()
    expect(page.locator("#alerts")).to_contain_text("réinitialisée")
    expect(page.locator("[data-test=second-factor-off]")).to_be_visible()
    assert person.call("POST", "auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
