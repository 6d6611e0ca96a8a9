"""The appointment panel's and the booking form's pure helpers: actions offered, prefill, what goes to the API."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from web import i18n
from web.config import WebSettings
from web.sessions import User
from web.staff.appointments import local_start, offered_actions
from web.staff.booking import BookingForm, payload, prefill, slots_by_day

PARIS = ZoneInfo("Europe/Paris")
AMELIE = {"id": "t-ot", "name": "Amélie Laurent", "service_codes": ["OT"]}
PAT = {"id": "t-two", "name": "Pat Both", "service_codes": ["OT", "ST"]}


@pytest.fixture()
def app():
    settings = WebSettings(service="web", database_url="sqlite://", secret_key="test")
    app = Flask("web")
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    app.extensions["web.settings"] = settings
    i18n.install(app, settings)
    return app


def names(actions):
    return [action.name for action in actions]


def test_the_panel_offers_the_actions_the_role_may_take_on_the_status_now():
    desk, therapist = User("u", "d@x", "D", "front_desk").holds, User("u", "t@x", "T", "therapist").holds
    assert names(offered_actions("booked", desk, started=False)) == ["confirm"]
    assert names(offered_actions("confirmed", desk, started=True)) == ["complete", "no-show"]
    assert names(offered_actions("pending_cancel", desk, started=False)) == ["accept-cancel", "withdraw-cancel"]
    assert names(offered_actions("booked", therapist, started=False)) == []
    assert names(offered_actions("booked", therapist, started=True)) == ["complete", "no-show"]
    assert names(offered_actions("cancelled", User("u", "a@x", "A", "org_admin").holds, started=True)) == []


def test_a_wall_clock_time_of_the_centre_gets_the_offset_of_its_day(app):
    with app.app_context():
        assert local_start(dt.date(2026, 3, 28), dt.time(10, 0)) == "2026-03-28T10:00:00+01:00"
        assert local_start(dt.date(2026, 3, 30), dt.time(10, 0)) == "2026-03-30T10:00:00+02:00"


def test_a_click_on_the_calendar_prefills_the_time_the_therapist_and_their_only_service():
    data = prefill({"start": "2026-12-02T10:00", "therapist_id": "t-ot"}, None, [AMELIE, PAT])
    assert data == {"therapist_id": "t-ot", "service_code": "OT", "date": dt.date(2026, 12, 2),
                    "time": dt.time(10, 0)}
    assert prefill({"start": "2026-12-02", "therapist_id": "t-two"}, None, [AMELIE, PAT]) == {
        "therapist_id": "t-two", "service_code": "", "date": dt.date(2026, 12, 2)}
    assert prefill({"start": "not a time"}, None) == {"therapist_id": "", "service_code": ""}


def test_a_chosen_client_prefills_the_child_and_the_first_guardian():
    client = {"id": "c1", "first_name": "Lina", "last_name": "Martin", "birth_date": "2019-04-02",
              "guardians": [{"first_name": "Maya", "last_name": "Martin", "email": "maya@example.org",
                             "phone": None}, {"first_name": "Paul", "last_name": "Martin", "email": None}]}
    data = prefill({}, client)
    assert data["client_id"] == "c1"
    assert data["client"] == {"first_name": "Lina", "last_name": "Martin", "birth_date": dt.date(2019, 4, 2)}
    assert data["guardian"] == {"first_name": "Maya", "last_name": "Martin", "email": "maya@example.org",
                                "phone": ""}


FORM = {"client-first_name": " Noé ", "client-last_name": "Petit", "client-birth_date": "",
        "guardian-first_name": "Claire", "guardian-last_name": "Petit", "guardian-email": "claire@example.org",
        "guardian-phone": "", "service_code": "OT", "therapist_id": "", "date": "2026-12-02", "time": "10:00",
        "every_weeks": "1", "count": "4", "notes": "", "override_reason": ""}


def form_of(app, **changes):
    with app.test_request_context(method="POST", data=MultiDict({**FORM, **changes})):
        form = BookingForm()
        form.service_code.choices = [("OT", "Occupational Therapy")]
        valid = form.validate()
        return form, valid, (payload(form) if valid else None)


def test_the_form_becomes_one_booking_with_an_optional_override(app):
    _, valid, body = form_of(app, override_reason=" Twins ", therapist_id="t-ot")
    assert valid
    assert body == {"service_code": "OT", "start": "2026-12-02T10:00:00+01:00", "therapist_id": "t-ot",
                    "client_id": None, "client": {"first_name": "Noé", "last_name": "Petit", "birth_date": None},
                    "guardian": {"first_name": "Claire", "last_name": "Petit", "email": "claire@example.org",
                                 "phone": None},
                    "notes": None, "override_reason": "Twins"}


def test_a_weekly_series_needs_its_therapist_and_takes_no_override(app):
    form, valid, _ = form_of(app, repeat="y", override_reason="Twins")
    assert not valid and form.therapist_id.errors and form.override_reason.errors
    _, valid, body = form_of(app, repeat="y", therapist_id="t-ot", every_weeks="2")
    assert valid and body["every_weeks"] == 2 and body["count"] == 4 and "override_reason" not in body


def test_free_slots_are_grouped_by_the_centres_day_with_their_wall_clock_start():
    slots = [{"start": "2026-12-02T08:00:00+00:00", "therapist_id": "t"},
             {"start": "2026-12-01T23:30:00+00:00", "therapist_id": "t"},
             {"start": "2026-12-01T09:00:00+01:00", "therapist_id": "t"}]
    days = slots_by_day(slots, PARIS)
    assert [day for day, _ in days] == [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
    assert [s["wall"] for s in days[1][1]] == ["2026-12-02T00:30", "2026-12-02T09:00"]
