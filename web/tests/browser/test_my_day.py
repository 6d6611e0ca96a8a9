"""My day, a therapist's home on a phone: the session that began minutes ago marked completed, her task, the
calendar feed's address; in English and French, axe clean; the front desk neither sees nor opens it."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from .api import Api
from .conftest import assert_accessible, sign_in
from .test_tasks import ot_therapist, signed_quotation, tasks_of, therapist_login

PHONE, TABLET = {"width": 390, "height": 844}, {"width": 820, "height": 1180}


def begun_minutes_ago(system, appointment_id: str, minutes: int = 5) -> None:
    """Move a booked session to have started a few minutes ago (today in the centre, whatever the hour).

    The API books only in the future (as it should) and a test cannot wait for a slot to begin: the test writes
    the start itself, as booking's own lifecycle tests do.
    """
    zone = ZoneInfo(system.stack.env.get("CENTER_TIMEZONE", "Europe/Paris"))
    now = dt.datetime.now(dt.timezone.utc)
    midnight = dt.datetime.combine(now.astimezone(zone).date(), dt.time(), zone)
    start = max(now - dt.timedelta(minutes=minutes), midnight)
    engine = sa.create_engine(system.stack.env["BOOKING_DATABASE_URL"], poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        moved = connection.execute(sa.text("UPDATE appointments SET start_at = :start, end_at = :end WHERE id = :id"),
                                   {"start": start, "end": start + dt.timedelta(minutes=45), "id": appointment_id})
        assert moved.rowcount == 1
    engine.dispose()


def test_a_therapist_on_her_phone_completes_the_session_that_began_and_subscribes_to_her_calendar(
        open_page, system, axe_source):
    spine = signed_quotation(system)
    appointment, [task] = spine["appointment"], tasks_of(system, spine["quotation"]["id"])
    desk = Api(system, "front_desk")
    desk.post(f"tasks/{task['id']}/assign", {"therapist_id": ot_therapist(system)["id"]}, expect=200)
    begun_minutes_ago(system, appointment["id"])

    page = open_page(**PHONE)
    sign_in(page, therapist_login(system), expect=r".*/staff/my-day$")
    session = page.locator(f"[data-appointment='{appointment['id']}']")
    expect(session).to_contain_text(spine["client_name"])
    expect(session).to_contain_text("Occupational Therapy")
    expect(session.locator("[data-test=status]")).to_have_text("Booked")
    expect(page.locator(f"[data-task='{task['id']}']")).to_contain_text(spine["client_name"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert_accessible(page, axe_source)

    session.locator("[data-action=complete]").click()
    page.wait_for_url(re.compile(r".*/staff/my-day$"))
    expect(page.get_by_text("The session is marked completed.")).to_be_visible()
    session = page.locator(f"[data-appointment='{appointment['id']}']")
    expect(session.locator("[data-test=status]")).to_have_text("Completed")
    assert session.locator("[data-action]").count() == 0
    assert desk.get(f"appointments/{appointment['id']}")["status"] == "completed"

    page.locator("[data-test=subscribe]").click()
    url = page.locator("[data-test=feed-url]").input_value()
    assert re.fullmatch(r"https?://.+/calendar\.ics\?token=.+", url), url
    assert page.locator("[data-test=webcal]").get_attribute("href") == "webcal://" + url.split("://", 1)[1]
    feed = requests.get(url, timeout=15)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text and appointment["id"] in feed.text
    assert_accessible(page, axe_source)

    mine = page.locator(f"[data-task='{task['id']}']")
    mine.locator("summary").click()
    mine.get_by_label("Minutes").fill("30")
    mine.get_by_label("Progress note").fill("Fine motor play; tolerated the swing.")
    mine.get_by_role("button", name="Log time").click()
    page.wait_for_url(re.compile(rf".*/staff/tasks/{task['id']}$"))
    expect(page.get_by_text("30 minutes logged.")).to_be_visible()
    expect(page.get_by_role("cell", name="Fine motor play; tolerated the swing.")).to_be_visible()

    tablet = open_page(locale="fr-FR", **TABLET)
    sign_in(tablet, therapist_login(system), expect=r".*/staff/my-day$")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Ma journée")
    expect(tablet.locator(f"[data-appointment='{appointment['id']}'] [data-test=status]")).to_have_text("Réalisée")
    expect(tablet.get_by_role("heading", name="Mes tâches")).to_be_visible()
    assert tablet.locator("[data-nav='staff.my_day']").count() == 1
    assert_accessible(tablet, axe_source)


def test_the_front_desk_has_no_my_day(page, system):
    sign_in(page, system.login("front_desk"), expect=r".*/staff/calendar.*")
    assert page.locator("[data-nav='staff.my_day']").count() == 0
    assert page.goto("/staff/my-day").status == 403
    expect(page.get_by_role("heading", name="Not available to you")).to_be_visible()
