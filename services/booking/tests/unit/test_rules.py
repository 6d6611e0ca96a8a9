"""Small pure rules: working-hours overlap, search range, the transition table, recurrence, calendar ranges."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from servicekit.errors import Conflict, Forbidden, Unprocessable

from booking.availability import check_range
from booking.calendars import view_range
from booking.catalog import describe_minutes
from booking.journal import SYSTEM, Actor
from booking.lifecycle import TRANSITIONS, cancel_action, check_allowed, next_status
from booking.series import recurrence
from booking.therapists import check_no_overlap

PARIS = ZoneInfo("Europe/Paris")
STAFF, GUARDIAN = Actor("staff"), Actor("guardian")


def hours(weekday, start, end):
    return {"weekday": weekday, "start": dt.time.fromisoformat(start), "end": dt.time.fromisoformat(end)}


def test_overlapping_intervals_on_one_weekday_are_refused_naming_the_field():
    with pytest.raises(Unprocessable) as err:
        check_no_overlap([hours(0, "09:00", "12:00"), hours(0, "11:00", "13:00")])
    assert "working_hours" in err.value.errors and "Monday" in err.value.detail
    assert err.value.errors["working_hours.1.start"] == err.value.errors["working_hours"]
    with pytest.raises(Unprocessable) as windows:
        check_no_overlap([hours(2, "09:00", "12:00"), hours(2, "09:30", "10:00")], field="windows")
    assert "windows" in windows.value.errors


def test_an_overlap_names_the_later_interval_by_its_index_as_sent():
    with pytest.raises(Unprocessable) as err:
        check_no_overlap([hours(1, "13:00", "17:00"), hours(0, "09:00", "12:00"), hours(1, "09:00", "13:30")])
    assert set(err.value.errors) == {"working_hours", "working_hours.0.start"}
    assert "Tuesday" in err.value.errors["working_hours.0.start"][0]


def test_touching_intervals_and_the_same_hours_on_other_days_are_fine():
    check_no_overlap([hours(0, "09:00", "12:00"), hours(0, "12:00", "17:00"), hours(1, "09:00", "12:00")])


def test_slot_search_range_is_ordered_and_at_most_62_days():
    check_range(dt.date(2026, 12, 1), dt.date(2027, 2, 1))  # 62 days
    with pytest.raises(Unprocessable) as too_long:
        check_range(dt.date(2026, 12, 1), dt.date(2027, 2, 2))
    with pytest.raises(Unprocessable) as backwards:
        check_range(dt.date(2026, 12, 2), dt.date(2026, 12, 1))
    assert "to" in too_long.value.errors and "to" in backwards.value.errors


@pytest.mark.parametrize("current, action, target", [
    ("booked", "confirm", "confirmed"), ("booked", "cancel", "cancelled"), ("confirmed", "cancel", "cancelled"),
    ("booked", "request_cancel", "pending_cancel"), ("confirmed", "request_cancel", "pending_cancel"),
    ("pending_cancel", "accept_cancel", "cancelled"), ("pending_cancel", "cancel", "cancelled"),
    ("booked", "complete", "completed"), ("confirmed", "no_show", "no_show"), ("confirmed", "reschedule", "booked"),
    ("held", "accept_offer", "booked"),
])
def test_allowed_transitions(current, action, target):
    assert next_status(current, action) == target


def test_withdrawing_a_cancellation_request_returns_to_the_status_before_it():
    assert next_status("pending_cancel", "withdraw_cancel", "confirmed") == "confirmed"
    assert next_status("pending_cancel", "withdraw_cancel", "booked") == "booked"


@pytest.mark.parametrize("current, action", [
    ("cancelled", "confirm"), ("confirmed", "confirm"), ("completed", "cancel"), ("cancelled", "cancel"),
    ("no_show", "confirm"), ("booked", "withdraw_cancel"), ("booked", "accept_cancel"), ("cancelled", "complete"),
    ("pending_cancel", "reschedule"), ("held", "confirm"), ("booked", "accept_offer"), ("pending_cancel", "confirm"),
])
def test_forbidden_transitions_are_conflicts_with_the_reason(current, action):
    with pytest.raises(Conflict) as err:
        next_status(current, action)
    assert err.value.detail.startswith("The appointment is ")


@pytest.mark.parametrize("action, actor", [
    ("accept_cancel", GUARDIAN), ("cancel", GUARDIAN), ("complete", GUARDIAN), ("reschedule", GUARDIAN),
    ("request_cancel", STAFF), ("confirm", SYSTEM),
])
def test_each_action_names_who_may_take_it(action, actor):
    with pytest.raises(Forbidden):
        check_allowed(action, actor)


def test_staff_cancel_outright_while_a_guardian_asks_to_cancel():
    assert cancel_action(STAFF) == "cancel" and cancel_action(GUARDIAN) == "request_cancel"
    assert TRANSITIONS["cancel"].needs_reason and not TRANSITIONS["request_cancel"].needs_reason


def test_weekly_recurrence_keeps_the_local_time_across_the_spring_change():
    found = recurrence(dt.datetime(2027, 3, 20, 10, 0, tzinfo=PARIS), 1, PARIS, count=3)
    assert [start.isoformat() for _, start in found] == [
        "2027-03-20T10:00:00+01:00", "2027-03-27T10:00:00+01:00", "2027-04-03T10:00:00+02:00"]


def test_recurrence_every_two_weeks_until_a_date_includes_that_date():
    found = recurrence(dt.datetime(2026, 10, 12, 9, 0, tzinfo=PARIS), 2, PARIS, until=dt.date(2026, 11, 9))
    assert [start.isoformat() for _, start in found] == [
        "2026-10-12T09:00:00+02:00", "2026-10-26T09:00:00+01:00", "2026-11-09T09:00:00+01:00"]


def test_a_weekly_time_that_does_not_exist_on_the_spring_sunday_is_marked_missing():
    found = recurrence(dt.datetime(2027, 3, 21, 2, 30, tzinfo=PARIS), 1, PARIS, count=3)
    assert [start is None for _, start in found] == [False, True, False]
    assert found[1][0] == dt.datetime(2027, 3, 28, 2, 30)


def test_a_series_has_at_most_52_occurrences():
    assert len(recurrence(dt.datetime(2026, 1, 5, 9, tzinfo=PARIS), 1, PARIS, count=52)) == 52
    with pytest.raises(Unprocessable) as err:
        recurrence(dt.datetime(2026, 1, 5, 9, tzinfo=PARIS), 1, PARIS, until=dt.date(2027, 6, 1))
    assert "until" in err.value.errors


def test_calendar_views_cover_a_day_an_iso_week_or_a_month():
    assert view_range("day", dt.date(2026, 12, 3)) == (dt.date(2026, 12, 3), dt.date(2026, 12, 3))
    assert view_range("week", dt.date(2026, 12, 3)) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert view_range("month", dt.date(2027, 2, 14)) == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))


def test_notice_periods_read_the_way_people_say_them():
    assert [describe_minutes(m) for m in (30, 60, 90, 1440, 2880, 120)] == [
        "30 minutes", "1 hour", "90 minutes", "1 day", "2 days", "2 hours"]
