"""python -m devstack.screenshots [--url http://127.0.0.1:8080] — the README's pictures, from a running `make run`.

Signs in as the demo logins in Debian's Chromium (Playwright, like the browser tests) and saves one PNG per
screen under docs/screenshots/. Needs the living demo (make run without DEMO_DATA=off).
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil

from devstack.seed import DEMO_PASSWORD
from devstack.topology import ROOT

OUT = ROOT / "docs" / "screenshots"
DESK, BILLER, OWNER = "frontdesk@sunnysteps.example", "biller@sunnysteps.example", "admin@sunnysteps.example"


def _monday() -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7) if today.weekday() >= 5 else \
        today - dt.timedelta(days=today.weekday())


def _shots(monday: dt.date) -> list[tuple[str, str, str, str]]:
    """(file, login, locale, path) for each picture."""
    return [
        ("calendar-week", DESK, "en-GB", f"/staff/calendar?view=timeGridWeek&date={monday}"),
        ("calendar-day", DESK, "en-GB", f"/staff/calendar?view=resourceTimeGridDay&date={monday + dt.timedelta(days=1)}"),
        ("booking", DESK, "en-GB", f"/staff/booking?start={monday + dt.timedelta(days=7)}T10:00"),
        ("clients", DESK, "en-GB", "/staff/clients"),
        ("opportunities", DESK, "en-GB", "/staff/opportunities"),
        ("tasks", DESK, "en-GB", "/staff/tasks"),
        ("planning", DESK, "fr-FR", "/staff/planning?week={}-W{:02d}".format(*monday.isocalendar()[:2])),
        ("invoices-due", BILLER, "en-GB", "/staff/invoices?status=due"),
        ("settings", OWNER, "en-GB", "/staff/settings"),
        ("signin-fr", "", "fr-FR", "/signin"),
    ]


def _sign_in(page, email: str) -> None:
    page.goto("/signin")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("admin-demo-2026" if email == OWNER else DEMO_PASSWORD)
    page.locator("[data-test=sign-in]").click()
    page.wait_for_url("**/staff/**")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack.screenshots")
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                             args=["--disable-background-networking", "--no-first-run"])
        for name, email, locale, path in _shots(_monday()):
            context = browser.new_context(base_url=args.url, locale=locale, viewport={"width": 1280, "height": 800})
            page = context.new_page()
            if email:
                _sign_in(page, email)
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / f"{name}.png"))
            context.close()
            print(f"{OUT / name}.png")
        browser.close()


if __name__ == "__main__":
    main()
