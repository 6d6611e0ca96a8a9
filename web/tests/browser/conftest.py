"""Real Chromium (Debian's, driven by Playwright; no browser download) against the system as `make run` starts it.

Every page a test opens is watched: a JavaScript error, a Content-Security-Policy violation or any console
error other than the expected "Failed to load resource" of a 4xx fails the test.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Chromium logs every 4xx answer as a console error; the pages answer 4xx on purpose (a refused form).
EXPECTED = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")


def pytest_collection_modifyitems(items):
    for item in items:
        if "web/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed here (apt-get install chromium chromium-driver); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            # This machine's network is closed: without these Chromium keeps trying to reach Google's hosts.
            args=["--disable-background-networking", "--disable-component-update", "--no-first-run",
                  "--disable-sync", "--disable-dev-shm-usage"])
        yield instance
        instance.close()


@dataclass
class Watch:
    """What went wrong in the browser while a test ran."""

    errors: list[str] = field(default_factory=list)

    def console(self, message) -> None:
        if message.type == "error" and not EXPECTED.search(message.text):
            self.errors.append(f"console: {message.text}")

    def crash(self, error) -> None:
        self.errors.append(f"page error: {error}")

    def answer(self, response) -> None:
        # A refused form is an expected 4xx; a stylesheet, script, image or font that does not load never is.
        if response.status >= 400 and response.request.resource_type in ("stylesheet", "script", "image", "font"):
            self.errors.append(f"asset {response.status}: {response.url}")


def _context(browser, system, locale: str, width: int, height: int):
    context = browser.new_context(base_url=system.url, locale=locale, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    return context


@pytest.fixture()
def open_page(browser, system):
    """`open_page(locale="fr-FR", width=768)` -> a new watched page (its own cookies); closed after the test."""
    contexts, watches = [], []

    def make(locale: str = "en-GB", width: int = 1280, height: int = 900):
        context = _context(browser, system, locale, width, height)
        page = context.new_page()
        watch = Watch()
        page.on("console", watch.console)
        page.on("pageerror", watch.crash)
        page.on("response", watch.answer)
        contexts.append(context)
        watches.append(watch)
        return page

    yield make
    for context in contexts:
        context.close()
    problems = [error for watch in watches for error in watch.errors]
    assert problems == [], "\n".join(problems)


@pytest.fixture()
def page(open_page):
    return open_page()


def sign_in(page, login, *, expect: str | None = None) -> None:
    """Sign in through the form as `login` (a devstack.seed.Login); waits for the home page (or `expect`)."""
    page.goto("/signin")
    page.get_by_label(re.compile("^(E-mail|Adresse e-mail|Courriel)")).fill(login.email)
    page.get_by_label(re.compile("^(Password|Mot de passe)$")).fill(login.password)
    page.locator("[data-test=sign-in]").click()
    page.wait_for_url(re.compile(expect or r".*/(staff|portal)/.*"))


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def assert_accessible(page, axe_source: str, *, exclude: list[str] | None = None) -> None:
    """axe-core on the page as it is now: no serious or critical violation (WCAG 2 A and AA rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)  # evaluated, not a <script> tag: the pages' CSP refuses inline scripts
    context = {"exclude": [[selector] for selector in exclude]} if exclude else "document"
    result = page.evaluate("""async (context) => {
        const found = await axe.run(context === "document" ? document : context,
                                    {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                                     resultTypes: ["violations"]});
        return found.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.impact} ${v.id}: ${v.help} -> ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
    }""", context)
    assert result == [], f"{page.url}\n" + "\n".join(result)
