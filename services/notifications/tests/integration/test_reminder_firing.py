"""Firing reminders: on time (also across DST changes), never stale, never twice, SMS falling back to e-mail."""
import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from notifications import reminders
from notifications.dispatch import fire_reminders
from notifications.models import Appointment

from ..helpers import (appointment_event, apply, follow_up, future, messages_about, outgoing_text, reminders_of,
                       set_preferences)

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def settings(spec, make_settings, tmp_path_factory):
    return dataclasses.replace(make_settings(spec), var_dir=tmp_path_factory.mktemp("var"))


def fire(db, settings, now):
    """Fire every reminder due at `now` (other tests' reminders may be due too: loop past full batches)."""
    while fire_reminders(db, settings, now) == reminders.BATCH_SIZE:
        pass


def booked(db, channels=("email",), lead_hours=24, phone="06 12 34 56 78", start=None):
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, channels, lead_hours)
    env = appointment_event(client_id=client_id, start=start or future(), phone=phone)
    apply(db, env)
    return env


def due_of(db, env):
    return reminders_of(db, env.data["appointment_id"], "pending")[0].due_at


def test_a_due_reminder_becomes_one_queued_message_per_channel_with_confirm_and_cancel_links(db, settings):
    env = booked(db, ("email", "sms"))
    due = due_of(db, env)
    fire(db, settings, due - dt.timedelta(seconds=1))
    assert messages_about(db, env.data["appointment_id"], "appointment_reminder") == []
    fire(db, settings, due)
    sent = messages_about(db, env.data["appointment_id"], "appointment_reminder")
    assert sorted((m.channel, m.status) for m in sent) == [("email", "queued"), ("sms", "queued")]
    email, sms = sorted(sent, key=lambda m: m.channel)
    assert email.event_id == sms.event_id == reminders.event_id(env.data["appointment_id"],
                                                               dt.datetime.fromisoformat(env.data["start"]))
    assert outgoing_text(email).count(f"{settings.public_base_url}/r/") == 3  # confirm, cancel, unsubscribe
    assert outgoing_text(sms).count(f"{settings.public_base_url}/r/") == 2 and len(outgoing_text(sms)) < 320
    assert "/r/" not in email.body_text + sms.body_text  # the log's copy holds no live link
    assert {r.status for r in reminders_of(db, env.data["appointment_id"])} == {"fired"}


def test_firing_again_or_a_second_dispatcher_never_queues_a_reminder_twice(db, settings):
    env = booked(db)
    due = due_of(db, env)
    fire(db, settings, due)
    with db.transaction() as s:  # as if the reminder had been claimed twice
        s.execute(update(reminders.Reminder).where(reminders.Reminder.appointment_id == env.data["appointment_id"])
                  .values(status="pending"))
    fire(db, settings, due)
    assert len(messages_about(db, env.data["appointment_id"], "appointment_reminder")) == 1


def test_no_reminder_for_the_old_time_after_a_reschedule(db, settings):
    env = booked(db)
    old_due = due_of(db, env)
    apply(db, follow_up(env, "appointment.rescheduled", start=future(days=15)))
    fire(db, settings, old_due)
    assert messages_about(db, env.data["appointment_id"], "appointment_reminder") == []
    new_due = due_of(db, env)
    fire(db, settings, new_due)
    [reminder] = messages_about(db, env.data["appointment_id"], "appointment_reminder")
    assert reminder.event_id.endswith(str(int(dt.datetime.fromisoformat(future(days=15)).timestamp())))


def test_no_reminder_after_a_cancellation(db, settings):
    env = booked(db)
    due = due_of(db, env)
    apply(db, follow_up(env, "appointment.cancelled"))
    fire(db, settings, due)
    assert messages_about(db, env.data["appointment_id"], "appointment_reminder") == []


def test_a_reminder_whose_appointment_moved_unnoticed_is_marked_stale_not_sent(db, settings):
    env = booked(db)
    due = due_of(db, env)
    with db.transaction() as s:  # the start changed, but the reminder was not re-planned
        s.execute(update(Appointment).where(Appointment.id == env.data["appointment_id"])
                  .values(start_at=dt.datetime.fromisoformat(future(days=20))))
    fire(db, settings, due)
    assert [r.status for r in reminders_of(db, env.data["appointment_id"])] == ["stale"]
    assert messages_about(db, env.data["appointment_id"], "appointment_reminder") == []


@pytest.mark.parametrize("start, due_local", [
    (dt.datetime(2026, 10, 25, 10, 0, tzinfo=PARIS), dt.datetime(2026, 10, 24, 11, 0, tzinfo=PARIS)),
    (dt.datetime(2026, 3, 29, 10, 0, tzinfo=PARIS), dt.datetime(2026, 3, 28, 9, 0, tzinfo=PARIS))],
    ids=["autumn-25-oct-2026", "spring-29-mar-2026"])
def test_a_reminder_across_a_dst_change_fires_24_real_hours_before(db, settings, start, due_local):
    env = appointment_event(start=start.isoformat())
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, ("email",), 24)
    apply(db, env)  # in the past for today's clock: planned below as if it were a week before
    with db.transaction() as s:
        appointment = s.get(Appointment, env.data["appointment_id"], with_for_update=True)
        appointment.client_id = client_id
        [reminder] = reminders.sync(s, appointment, settings, start - dt.timedelta(days=7))
    assert reminder.due_at == due_local and start - reminder.due_at == dt.timedelta(hours=24)
    fire(db, settings, reminder.due_at - dt.timedelta(seconds=1))
    assert messages_about(db, env.data["appointment_id"], "appointment_reminder") == []
    fire(db, settings, reminder.due_at)
    [message] = messages_about(db, env.data["appointment_id"], "appointment_reminder")
    assert f"{start.day} {start:%B} 2026, 10:00 (Europe/Paris)" in message.body_text


@pytest.mark.parametrize("phone", [None, "01 23 45 67 89", "not a number"])
def test_an_sms_reminder_without_a_valid_mobile_number_goes_by_email(db, settings, phone):
    env = booked(db, ("sms",), phone=phone)
    fire(db, settings, due_of(db, env))
    sent = messages_about(db, env.data["appointment_id"], "appointment_reminder")
    assert sorted((m.channel, m.status) for m in sent) == [("email", "queued"), ("sms", "skipped")]
    sms = next(m for m in sent if m.channel == "sms")
    assert sms.recipient == "" and "sent by e-mail instead" in sms.last_error


def test_both_channels_without_a_mobile_number_still_send_one_email(db, settings):
    env = booked(db, ("email", "sms"), phone=None)
    fire(db, settings, due_of(db, env))
    emails = [m for m in messages_about(db, env.data["appointment_id"], "appointment_reminder")
              if m.channel == "email"]
    assert len(emails) == 1


def test_a_reminder_locked_by_another_dispatcher_is_skipped(db, settings):
    env = booked(db)
    [reminder] = reminders_of(db, env.data["appointment_id"])
    other = db.session()
    try:
        other.get(reminders.Reminder, reminder.id, with_for_update=True)
        fire(db, settings, reminder.due_at)
        assert reminders_of(db, env.data["appointment_id"], "pending") != []
    finally:
        other.rollback()
        other.close()
    fire(db, settings, reminder.due_at)
    assert len(messages_about(db, env.data["appointment_id"], "appointment_reminder")) == 1
