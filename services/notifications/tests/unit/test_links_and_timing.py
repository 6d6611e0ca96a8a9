"""Signed links (confirm / cancel / unsubscribe), phone numbers, and when a reminder is due across DST changes."""
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from servicekit.errors import Forbidden

from notifications import links
from notifications.phones import InvalidPhone, sms_number, to_e164
from notifications.reminders import due_at

KEY = b"test-secret"
PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def test_24_hours_before_a_session_just_after_the_autumn_change_is_25_hours_on_the_wall_clock():
    # Clocks go back at 03:00 on Sunday 25 October 2026: 24 real hours before 10:00 that day is 11:00 on Saturday.
    start = paris(2026, 10, 25, 10, 0)
    assert due_at(start, 24) == dt.datetime(2026, 10, 24, 9, 0, tzinfo=dt.timezone.utc)
    assert due_at(start, 24).astimezone(PARIS) == paris(2026, 10, 24, 11, 0)
    assert start - due_at(start, 24) == dt.timedelta(hours=24)


def test_24_hours_before_a_session_just_after_the_spring_change_is_23_hours_on_the_wall_clock():
    # Clocks go forward at 02:00 on Sunday 29 March 2026: 24 real hours before 10:00 that day is 09:00 on Saturday.
    start = paris(2026, 3, 29, 10, 0)
    assert due_at(start, 24).astimezone(PARIS) == paris(2026, 3, 28, 9, 0)
    assert due_at(start, 2).astimezone(PARIS) == paris(2026, 3, 29, 8, 0)


def test_a_confirm_token_round_trips_and_is_short_enough_for_an_sms():
    appointment_id = str(uuid.uuid4())
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
    token = links.reminder_token(KEY, appointment_id, "confirm", "sms", start)
    claims = links.read_reminder(KEY, token)
    assert (claims.appointment_id, claims.action, claims.channel, claims.expires_at) == (
        appointment_id, "confirm", "sms", start)
    assert len(token) <= 64 and len(claims.token_id) == 12
    assert links.read_reminder(KEY, links.reminder_token(KEY, appointment_id, "confirm", "sms", start)).token_id \
        != claims.token_id


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),
                                    lambda t: "A" + t[1:] if t[0] != "A" else "B" + t[1:],
                                    lambda t: "not a token!", lambda t: ""])
def test_a_tampered_token_is_refused(mangle):
    token = links.reminder_token(KEY, str(uuid.uuid4()), "cancel", "email", dt.datetime.now(dt.timezone.utc))
    with pytest.raises(Forbidden):
        links.read_reminder(KEY, mangle(token))


def test_a_token_signed_with_another_key_or_for_unsubscribing_is_not_a_confirm_token():
    token = links.reminder_token(b"other", str(uuid.uuid4()), "confirm", "email", dt.datetime.now(dt.timezone.utc))
    with pytest.raises(Forbidden):
        links.read_reminder(KEY, token)
    with pytest.raises(Forbidden):
        links.read_reminder(KEY, links.unsubscribe_token(KEY, "maya@example.org"))


def test_unsubscribe_tokens_carry_the_lower_case_address():
    token = links.unsubscribe_token(KEY, " Maya@Example.org ")
    assert links.read_unsubscribe(KEY, token) == "maya@example.org"
    with pytest.raises(Forbidden):
        links.read_unsubscribe(b"other", token)


def test_mobile_numbers_are_normalised_to_e164_in_the_default_region():
    assert to_e164("06 12 34 56 78", "FR") == "+33612345678"
    assert to_e164("+44 7911 123456", "FR") == "+447911123456"
    assert sms_number("01 23 45 67 89", "FR") is None  # a landline cannot receive an SMS
    for bad in ("", "abc", "0612"):
        with pytest.raises(InvalidPhone):
            to_e164(bad, "FR")
