"""My day's pure helpers: the days left in the week, sessions grouped by the centre's day, which sessions offer
"Completed" / "No-show", the webcal link, and that a therapist starts on My day."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from servicekit.auth import Principal

from web import i18n
from web.access import home_for
from web.config import WebSettings
from web.sessions import User
from web.staff import bp
from web.staff.my_day import closing_actions, days_left_in_week, sessions_by_day, webcal

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.timezone.utc)  # a Wednesday, 10:30 in Paris


@pytest.fixture()
def app():
    settings = WebSettings(service="web", database_url="sqlite://", secret_key="test")
    app = Flask("web")
    app.extensions["web.settings"] = settings
    i18n.install(app, settings)
    app.register_blueprint(bp)
    return app


def session(id_, start, status="booked"):
    return {"id": id_, "start": start, "end": start, "status": status, "service_code": "OT",
            "client": {"first_name": "Lina", "last_name": "Martin"}}


def holds_as(role):
    return lambda *roles: Principal(user_id="u1", role=role).has_any(roles)


def test_the_week_runs_from_today_to_sunday():
    assert days_left_in_week(dt.date(2026, 12, 2)) == [dt.date(2026, 12, d) for d in range(2, 7)]
    assert days_left_in_week(dt.date(2026, 12, 6)) == [dt.date(2026, 12, 6)]
    assert len(days_left_in_week(dt.date(2026, 11, 30))) == 7


def test_sessions_fall_on_the_centres_day_by_start_and_cancelled_ones_are_left_out():
    days = days_left_in_week(dt.date(2026, 12, 2))
    rows = [session("late", "2026-12-02T16:00:00+01:00"), session("early", "2026-12-02T08:00:00+01:00"),
            session("midnight", "2026-12-02T23:30:00+00:00"),  # 00:30 on Thursday in Paris
            session("gone", "2026-12-02T12:00:00+01:00", "cancelled"),
            session("next-week", "2026-12-07T09:00:00+01:00")]
    found = sessions_by_day(rows, days, PARIS)
    assert list(found) == days
    assert [a["id"] for a in found[dt.date(2026, 12, 2)]] == ["early", "late"]
    assert [a["id"] for a in found[dt.date(2026, 12, 3)]] == ["midnight"]
    assert found[dt.date(2026, 12, 6)] == [] and sum(len(v) for v in found.values()) == 3


def test_only_a_started_session_still_booked_or_confirmed_offers_completed_and_no_show():
    therapist = holds_as("therapist")
    started, later = "2026-12-02T10:25:00+01:00", "2026-12-02T10:35:00+01:00"
    assert [a.name for a in closing_actions(session("a", started), therapist, NOW)] == ["complete", "no-show"]
    assert [a.name for a in closing_actions(session("a", started, "confirmed"), therapist, NOW)] == [
        "complete", "no-show"]
    assert closing_actions(session("a", later), therapist, NOW) == []
    for status in ("completed", "no_show", "pending_cancel", "cancelled"):
        assert closing_actions(session("a", started, status), therapist, NOW) == []
    # An office manager who is also a therapist gets the same two, never the desk's "Confirm" here.
    assert [a.name for a in closing_actions(session("a", started), holds_as("admin"), NOW)] == [
        "complete", "no-show"]
    assert closing_actions(session("a", started), holds_as("biller"), NOW) == []


def test_the_feed_address_becomes_a_webcal_link():
    assert webcal("https://centre.example/api/v1/therapists/t1/calendar.ics?token=abc") == \
        "webcal://centre.example/api/v1/therapists/t1/calendar.ics?token=abc"
    assert webcal("http://127.0.0.1:8000/x.ics?token=a") == "webcal://127.0.0.1:8000/x.ics?token=a"


def test_a_therapist_starts_on_my_day_and_the_desk_on_the_calendar(app):
    with app.test_request_context():
        assert home_for(User("u1", "a@example.org", "Amélie", "therapist")) == "/staff/my-day"
        assert home_for(User("u2", "d@example.org", "Desk", "front_desk")) == "/staff/calendar"
        assert home_for(User("u3", "m@example.org", "Manager", "admin")) == "/staff/calendar"
