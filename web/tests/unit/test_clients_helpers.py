"""The client and quotation screens' pure helpers: what is sent to the API and where its 422s are shown."""
import datetime as dt

import pytest

from web.gateway import Invalid
from web.staff.client_forms import window_errors, windows_payload
from web.labels import label, labels, tone
from web.staff.client_pages import by_id, split_by_now
from web.staff.quotation_forms import line_errors, quote_lines


def refused(errors=None, detail=""):
    return Invalid(422, "Unprocessable Content", detail, errors or {})


def test_blank_availability_rows_are_not_sent_and_each_item_remembers_its_row():
    rows = [{"weekday": "2", "start": "14:00", "end": "17:30"}, {"weekday": "", "start": "", "end": ""},
            {"weekday": "5", "start": "09:00", "end": "11:00"}]
    week, origin = windows_payload(rows)
    assert week == [{"weekday": 2, "start": "14:00", "end": "17:30"}, {"weekday": 5, "start": "09:00", "end": "11:00"}]
    assert origin == [0, 2]


def test_a_half_filled_availability_row_is_sent_for_the_service_to_judge():
    week, origin = windows_payload([{"weekday": "", "start": "10:00", "end": ""}])
    assert week == [{"weekday": "", "start": "10:00", "end": ""}] and origin == [0]


def test_availability_errors_land_on_the_row_they_came_from_and_the_rest_above_the_form():
    error = refused({"1.end": ["must be after start"], "availability": ["intervals overlap on Wednesday"],
                     "availability.0.start": ["intervals overlap on Wednesday"]})
    by_row, general = window_errors(error, origin=[0, 2])
    assert by_row == {2: {"end": ["must be after start"]}, 0: {"start": ["intervals overlap on Wednesday"]}}
    assert general == ["intervals overlap on Wednesday"]


def test_an_availability_refusal_without_fields_is_shown_above_the_form():
    assert window_errors(refused(detail="at most 21 windows a week"), origin=[]) == ({}, ["at most 21 windows a week"])


def test_only_the_lines_with_a_quantity_are_quoted():
    rows = [{"price_item_id": "p1", "service_code": "OT", "quantity": None},
            {"price_item_id": "p2", "service_code": "OT", "quantity": 2},
            {"price_item_id": "p3", "service_code": "ST", "quantity": 0},
            {"price_item_id": "p4", "service_code": "ST", "quantity": -1}]
    lines, origin = quote_lines(rows)
    assert lines == [{"service_code": "OT", "quantity": 2, "price_item_id": "p2"},
                     {"service_code": "ST", "quantity": -1, "price_item_id": "p4"}]
    assert origin == [1, 3]


def test_a_refused_line_is_shown_on_its_price_list_row():
    error = refused({"lines.1.quantity": ["Must be greater than or equal to 1 and less than or equal to 100."],
                     "opportunity_id": ["unknown opportunity"]})
    by_row, general = line_errors(error, origin=[1, 3])
    assert by_row == {3: ["Must be greater than or equal to 1 and less than or equal to 100."]}
    assert general == ["unknown opportunity"]


def test_labels_name_known_statuses_and_show_unknown_ones_as_they_came(app):
    with app.test_request_context():
        assert labels.stage("won") == "Won" and labels.quotation("signed") == "Signed"
        assert labels.appointment("pending_cancel") == "Cancellation requested"
        assert label({}, "brand_new_status") == "brand_new_status" and label({}, None) == ""
    assert tone("lost") == "secondary" and tone("whatever") == "light"


def test_rows_split_into_coming_in_time_order_and_past_latest_first():
    now = dt.datetime(2026, 12, 1, 12, tzinfo=dt.timezone.utc)
    rows = [{"start": "2026-11-20T10:00:00+01:00"}, {"start": "2026-11-30T10:00:00+01:00"},
            {"start": "2026-12-01T13:30:00+01:00"}, {"start": "2026-12-08T10:00:00+01:00"}]
    coming, past = split_by_now(rows, now=now)
    assert [r["start"][:10] for r in coming] == ["2026-12-01", "2026-12-08"]
    assert [r["start"][:10] for r in past] == ["2026-11-30", "2026-11-20"]


def test_rows_by_id():
    assert by_id([{"code": "OT", "name": "Occupational"}], "code") == {"OT": {"code": "OT", "name": "Occupational"}}


@pytest.fixture()
def app():
    from flask import Flask
    from flask_babel import Babel

    flask_app = Flask(__name__)
    Babel(flask_app)
    return flask_app
