"""Appointment events (events_v2 snapshots): our copy, the reminder schedule, family notices and staff alerts."""
import datetime as dt
import uuid

import pytest

from notifications import handlers as handlers_module
from notifications.models import Appointment

from ..helpers import (appointment_event, apply, follow_up, future, messages_about, outbox_events, reminders_of,
                       set_preferences, stage_changed)


def copy_of(db, appointment_id):
    with db.transaction() as s:
        return s.get(Appointment, appointment_id)


def booked_for_client(db, channels=("email", "sms"), lead_hours=24, **event_fields):
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, channels, lead_hours)
    env = appointment_event(client_id=client_id, start=future(), phone="06 12 34 56 78", **event_fields)
    apply(db, env)
    return env


def test_a_booking_schedules_a_reminder_per_chosen_channel_at_the_lead_time(db):
    env = booked_for_client(db)
    start = dt.datetime.fromisoformat(env.data["start"])
    reminders = reminders_of(db, env.data["appointment_id"])
    assert [(r.channel, r.status, r.lead_hours) for r in reminders] == [
        ("email", "pending", 24), ("sms", "pending", 24)]
    assert {r.due_at for r in reminders} == {start - dt.timedelta(hours=24)}
    assert {r.start_at for r in reminders} == {start}
    assert reminders[0].correlation_id == env.correlation_id


def test_the_booking_notice_goes_on_the_familys_channels_and_nothing_is_sent_by_the_handler(db):
    env = booked_for_client(db)
    notices = messages_about(db, env.data["appointment_id"], "appointment_booked")
    assert sorted((n.channel, n.recipient, n.status) for n in notices) == [
        ("email", env.data["guardian"]["email"], "queued"), ("sms", "+33612345678", "queued")]
    sms = next(n for n in notices if n.channel == "sms")
    assert sms.fallback_to == env.data["guardian"]["email"] and "Occupational therapy booked" in sms.body_text
    assert outbox_events(db, "notification.sent", event_id=env.id) == []


def test_without_a_choice_or_a_center_default_there_is_no_reminder(db):
    env = appointment_event(start=future())
    apply(db, env)
    assert reminders_of(db, env.data["appointment_id"]) == []
    [notice] = messages_about(db, env.data["appointment_id"])
    assert (notice.kind, notice.channel) == ("appointment_booked", "email")
    assert copy_of(db, env.data["appointment_id"]).status == "booked"


def test_the_center_default_lead_time_applies_to_families_who_never_chose(db, monkeypatch):
    monkeypatch.setenv("REMINDER_DEFAULT_LEAD_HOURS", "48")
    handlers_module._settings.cache_clear()
    try:
        env = appointment_event(start=future())
        apply(db, env)
    finally:
        handlers_module._settings.cache_clear()
    [reminder] = reminders_of(db, env.data["appointment_id"])
    assert (reminder.channel, reminder.lead_hours) == ("email", 48)


def test_a_session_booked_inside_the_lead_time_gets_no_late_reminder(db):
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, lead_hours=72)
    env = appointment_event(client_id=client_id, start=future(days=2))
    apply(db, env)
    assert reminders_of(db, env.data["appointment_id"]) == []


def test_a_reschedule_replaces_the_reminder_and_sends_the_new_time(db):
    env = booked_for_client(db, channels=("email",))
    moved = follow_up(env, "appointment.rescheduled", start=future(days=12), previous_start=env.data["start"])
    apply(db, moved)
    reminders = reminders_of(db, env.data["appointment_id"])
    assert sorted(r.status for r in reminders) == ["cancelled", "pending"]
    [pending] = [r for r in reminders if r.status == "pending"]
    assert pending.start_at == dt.datetime.fromisoformat(moved.data["start"])
    [notice] = messages_about(db, env.data["appointment_id"], "appointment_rescheduled")
    assert "has moved from" in notice.body_text and notice.subject.startswith("Your session has moved")


@pytest.mark.parametrize("event_type", ["appointment.cancelled", "appointment.cancel_requested",
                                        "appointment.completed", "appointment.no_show"])
def test_an_appointment_that_will_not_happen_keeps_no_pending_reminder(db, event_type):
    env = booked_for_client(db)
    apply(db, follow_up(env, event_type))
    assert reminders_of(db, env.data["appointment_id"], "pending") == []
    assert copy_of(db, env.data["appointment_id"]).status == follow_up(env, event_type).data["status"]


def test_withdrawing_a_cancel_request_brings_the_reminder_back_and_tells_the_front_desk(db, settings):
    env = booked_for_client(db, channels=("email",))
    apply(db, follow_up(env, "appointment.cancel_requested", actor="guardian", reason="Sick"))
    apply(db, follow_up(env, "appointment.cancel_withdrawn", actor="guardian"))
    assert len(reminders_of(db, env.data["appointment_id"], "pending")) == 1
    alerts = messages_about(db, env.data["appointment_id"])
    staff = [(n.kind, n.recipient) for n in alerts if n.kind.startswith("staff_")]
    assert staff == [("staff_cancel_requested", settings.front_desk_email),
                     ("staff_cancel_withdrawn", settings.front_desk_email)]
    requested = next(n for n in alerts if n.kind == "staff_cancel_requested")
    assert "Reason:     Sick" in requested.body_text and env.data["guardian"]["email"] in requested.body_text


@pytest.mark.parametrize("actor, alerted", [("guardian", True), ("staff", False)])
def test_a_cancellation_tells_the_family_and_the_front_desk_only_when_the_family_cancelled(db, actor, alerted):
    env = booked_for_client(db, channels=("email",))
    apply(db, follow_up(env, "appointment.cancelled", actor=actor, reason="Illness", late=True))
    kinds = [n.kind for n in messages_about(db, env.data["appointment_id"])]
    assert "appointment_cancelled" in kinds
    assert ("staff_cancelled" in kinds) is alerted


def test_a_redelivered_event_schedules_and_logs_nothing_twice(db):
    env = booked_for_client(db)
    assert apply(db, env) is False
    assert len(reminders_of(db, env.data["appointment_id"])) == 2
    assert len(messages_about(db, env.data["appointment_id"])) == 2


def test_an_older_event_arriving_late_changes_nothing(db):
    env = booked_for_client(db, channels=("email",))
    stale = follow_up(env, "appointment.cancelled")
    newer = follow_up(env, "appointment.rescheduled", start=future(days=14))
    apply(db, newer)
    late = type(stale)(**{**stale.__dict__, "occurred_at": "2020-01-01T00:00:00Z"})
    apply(db, late)
    assert copy_of(db, env.data["appointment_id"]).status == "booked"
    assert len(reminders_of(db, env.data["appointment_id"], "pending")) == 1
    assert messages_about(db, env.data["appointment_id"], "appointment_cancelled") == []


def test_an_online_booking_linked_to_its_client_by_the_crm_gets_the_clients_reminders(db):
    env = appointment_event(start=future())
    apply(db, env)
    assert reminders_of(db, env.data["appointment_id"]) == []
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, ("email",), 48)
    apply(db, stage_changed(env.data["appointment_id"], client_id))
    [reminder] = reminders_of(db, env.data["appointment_id"])
    assert reminder.lead_hours == 48 and copy_of(db, env.data["appointment_id"]).client_id == client_id


def test_a_client_link_arriving_before_the_booking_is_kept(db):
    appointment_id, client_id = str(uuid.uuid4()), str(uuid.uuid4())
    set_preferences(db, client_id, ("email",), 24)
    apply(db, stage_changed(appointment_id, client_id))
    apply(db, appointment_event(appointment_id=appointment_id, start=future()))
    assert copy_of(db, appointment_id).client_id == client_id
    assert len(reminders_of(db, appointment_id, "pending")) == 1


def test_a_family_that_opted_out_gets_no_notice_and_no_reminder(db):
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, ("email",), 24, opt_out=True)
    env = appointment_event(client_id=client_id, start=future())
    apply(db, env)
    assert reminders_of(db, env.data["appointment_id"]) == []
    [notice] = messages_about(db, env.data["appointment_id"])
    assert notice.status == "skipped" and "opted out" in notice.last_error
