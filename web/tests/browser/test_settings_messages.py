"""Message templates and the centre-wide delivery log: an edit refused by placeholder name, a family's messages
found and filtered, a failed message resent."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in
from .api import Api, eventually
from .test_settings import ZONE, book, new_service, new_therapist, sunday, tag

KIND = "staff_cancel_withdrawn"  # a front-desk alert: no other test reads its text


def test_a_template_edit_with_an_unknown_placeholder_is_refused_beside_the_field_and_a_valid_one_kept(
        page, system, axe_source):
    api = Api(system, "org_admin")
    original = api.get(f"notification-templates/{KIND}")
    try:
        sign_in(page, system.login("org_admin"))
        page.goto("/staff/settings/templates")
        page.get_by_role("link", name="To the front desk: cancellation request withdrawn").click()
        expect(page.locator("[data-test=placeholders]")).to_contain_text("{{ guardian_email }}")
        body = page.get_by_label("E-mail text", exact=True)
        body.fill(original["body"] + "\nFavourite colour: {{ favourite_colour }}")
        page.get_by_role("button", name="Save the message").click()
        expect(page.locator("[data-errors-for=body]")).to_contain_text("unknown placeholder(s): favourite_colour")
        expect(body).to_have_attribute("aria-invalid", "true")
        assert_accessible(page, axe_source)

        line = f"Call the family back today ({tag()})."
        body.fill(original["body"] + "\n" + line)
        page.get_by_role("button", name="Save the message").click()
        expect(page.get_by_text("The message “To the front desk: cancellation request withdrawn” is saved.")) \
            .to_be_visible()
        page.reload()
        expect(page.get_by_label("E-mail text", exact=True)).to_have_value(re.compile(re.escape(line)))
        assert line in api.get(f"notification-templates/{KIND}")["body"]
    finally:
        restored = api.call("PUT", f"notification-templates/{KIND}",
                            json={name: original[name] for name in ("subject", "body", "sms_text")})
        assert restored.status_code == 200, restored.text


def test_the_log_finds_a_family_s_messages_filters_by_status_and_a_failed_one_is_resent(page, system, axe_source):
    api = Api(system, "org_admin")
    service = new_service(api)
    therapist = new_therapist(api, [service["code"]], [{"weekday": 6, "start": "07:00", "end": "09:00"}])
    family = f"Log{tag()}"
    email = f"{family.lower()}@example.org"
    book(api, service["code"], therapist["id"], dt.datetime.combine(sunday(6), dt.time(8), ZONE), family)
    [notice] = eventually(lambda: [n for n in api.get("notifications", recipient=email) if n["status"] == "sent"])

    sign_in(page, system.login("org_admin"))
    page.goto("/staff/settings/messages")
    filter_log(page, recipient=email)
    row = page.locator(f"[data-message='{notice['id']}']")
    expect(row).to_contain_text("Session booked")
    expect(row).to_contain_text("Sent")
    filter_log(page, status="failed")
    expect(page.locator("[data-test=no-messages]")).to_be_visible()
    filter_log(page, status="sent")
    expect(page.locator("[data-test=messages] tbody tr")).to_have_count(1)
    assert_accessible(page, axe_source)

    fail_in_the_log(system, notice["id"])
    filter_log(page, status="failed")
    page.locator(f"[data-message='{notice['id']}'] a").click()
    expect(page.locator("[data-test=status]")).to_have_text("Failed")
    expect(page.locator("[data-test=last-error]")).to_contain_text("SMTPServerDisconnected")
    assert_accessible(page, axe_source)
    page.locator("[data-test=resend]").click()
    expect(page.get_by_text("The message is queued to be sent again.")).to_be_visible()

    def sent_again():
        page.reload()
        return page.locator("[data-test=status]").inner_text() == "Sent"

    eventually(sent_again)
    expect(page.locator("[data-test=resend]")).to_have_count(0)
    eventually(lambda: len([p for p in system.mail_dir.glob("*.eml") if email in p.read_text(errors="replace")]) >= 2)


def filter_log(page, *, recipient: str | None = None, status: str | None = None) -> None:
    """Set the log's filters as a person would and apply them (the others stay as they were)."""
    if recipient is not None:
        page.get_by_label("Recipient", exact=True).fill(recipient)
    if status is not None:
        page.get_by_label("Status", exact=True).select_option(status)
    page.get_by_role("button", name="Filter", exact=True).click()


def fail_in_the_log(system, notification_id: str) -> None:
    """Mark a sent message failed, as the dispatcher leaves one whose every attempt failed.

    A real failure takes eight attempts over hours of backoff (MAX_SEND_ATTEMPTS), and every address the
    public API accepts reaches the local SMTP catcher: the test writes the end state itself.
    """
    engine = sa.create_engine(system.stack.env["NOTIFICATIONS_DATABASE_URL"], poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "UPDATE notifications SET status = 'failed', attempts = 8, sent_at = NULL, "
            "last_error = 'SMTPServerDisconnected: Connection unexpectedly closed' WHERE id = :id"),
            {"id": notification_id})
    engine.dispose()
