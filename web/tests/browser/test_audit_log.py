"""Settings → Audit log: the owner finds a refused sign-in by the address tried, narrows by outcome, downloads the
selection as CSV and reads it in French; an office manager sees no link and is refused the page."""
from __future__ import annotations

import uuid

import requests
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

LOG = "/staff/settings/audit"


def refused_sign_in(system) -> str:
    """A sign-in with a wrong password, through the gateway as any caller would make it; the address tried."""
    tried = f"intruder-{uuid.uuid4().hex[:10]}@example.org"
    resp = requests.post(f"{system.url}/api/v1/auth/login", json={"email": tried, "password": "guessing 123"},
                         headers={"X-Request-ID": f"trace-{tried[9:19]}"}, timeout=15)
    assert resp.status_code == 401
    return tried


def test_the_owner_finds_a_refused_sign_in_filters_it_and_downloads_it(open_page, system, axe_source):
    tried = refused_sign_in(system)
    page = open_page()
    sign_in(page, system.login("org_admin"))
    page.goto("/staff/settings")
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    page.get_by_label("Who", exact=True).fill(tried)
    page.get_by_role("button", name="Filter", exact=True).click()
    row = page.locator("[data-test=audit-events] tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Signed in (password)")
    expect(row).to_contain_text("Refused (401)")
    expect(row).to_contain_text(f"trace-{tried[9:19]}")
    assert_accessible(page, axe_source)

    with page.expect_download() as download:
        page.locator("[data-test=audit-csv]").click()
    content = download.value.path().read_text(encoding="utf-8")
    assert tried in content and content.startswith("occurred_at,action,outcome")

    page.get_by_label("Outcome", exact=True).select_option("success")
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page.locator("[data-test=no-audit-events]")).to_be_visible()

    assert page.goto(f"{LOG}?from=2026-05-02&to=2026-05-01").status == 422  # the gateway's refusal, beside "Until"
    expect(page.locator("[data-errors-for=to]")).to_contain_text("Must not be before 'from'.")
    expect(page.get_by_label("Until", exact=True)).to_have_attribute("aria-invalid", "true")

    french = open_page(locale="fr-FR")
    sign_in(french, system.login("org_admin"))
    french.goto(f"{LOG}?actor={tried}")
    expect(french.get_by_role("heading", name="Journal d'audit")).to_be_visible()
    expect(french.locator("[data-test=audit-events] tbody tr")).to_contain_text("Connexion (mot de passe)")
    assert_accessible(french, axe_source)


def test_an_office_manager_has_no_audit_log(page, system):
    sign_in(page, system.login("admin"))
    page.goto("/staff/settings")
    expect(page.get_by_role("link", name="Delivery log")).to_be_visible()  # the settings an admin keeps
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    assert page.goto(LOG).status == 403
    assert page.goto(f"{LOG}.csv").status == 403
