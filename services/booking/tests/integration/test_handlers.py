"""task.assigned and reminder.responded through the same inbox transaction the consumer uses."""
import uuid

from sqlalchemy import func, select

from servicekit.messaging.consumer import apply_event

from booking.handlers import handlers
from booking.models import Appointment, ClientTherapist

from ..helpers import at, booked_ok, event, make_service, make_therapist, monday, outbox_events


def apply(db, env):
    return apply_event(db, "booking", handlers, env)


def assigned(client_id=None, therapist_id=None, service_code="OT"):
    return event("task.assigned", {"task_id": str(uuid.uuid4()), "client_id": client_id or str(uuid.uuid4()),
                                   "therapist_id": therapist_id or str(uuid.uuid4()), "service_code": service_code,
                                   "quotation_id": str(uuid.uuid4())}, producer="tasks")


def links_of(db, client_id):
    with db.transaction() as s:
        return s.scalars(select(ClientTherapist).where(ClientTherapist.client_id == client_id)).all()


def test_task_assigned_records_the_clients_therapist_for_the_service(db):
    env = assigned()
    assert apply(db, env) is True
    [link] = links_of(db, env.data["client_id"])
    assert (link.therapist_id, link.service_code, link.task_id) == (
        env.data["therapist_id"], "OT", env.data["task_id"])


def test_redelivered_task_assigned_changes_nothing(db):
    env = assigned()
    apply(db, env)
    [before] = links_of(db, env.data["client_id"])
    assert apply(db, env) is False
    [after] = links_of(db, env.data["client_id"])
    assert after.assigned_at == before.assigned_at


def test_another_task_for_the_same_pair_updates_the_link_instead_of_duplicating_it(db):
    first = assigned()
    second = assigned(first.data["client_id"], first.data["therapist_id"])
    apply(db, first)
    apply(db, second)
    [link] = links_of(db, first.data["client_id"])
    assert link.task_id == second.data["task_id"]


def test_a_second_therapist_or_service_for_a_client_is_a_separate_link(db):
    first = assigned()
    apply(db, first)
    apply(db, assigned(first.data["client_id"], service_code="SLP"))
    with db.transaction() as s:
        count = s.scalar(select(func.count()).select_from(ClientTherapist)
                         .where(ClientTherapist.client_id == first.data["client_id"]))
    assert count == 2


def appointment(client, tokens, settings):
    code = make_service(client, tokens)
    therapist = make_therapist(client, tokens, [code])
    return booked_ok(client, code, at(settings.zone, monday(2), "09:00"), therapist_id=therapist["id"])


def responded(appointment_id, action, channel="email"):
    return event("reminder.responded", {"appointment_id": appointment_id, "action": action, "channel": channel,
                                        "responded_at": "2026-12-01T08:00:00Z", "token_id": str(uuid.uuid4())},
                 producer="notifications")


def status_of(db, appointment_id):
    with db.transaction() as s:
        return s.get(Appointment, appointment_id).status


def test_a_reminder_confirmation_confirms_as_the_guardian(client, db, tokens, settings):
    appt = appointment(client, tokens, settings)
    assert apply(db, responded(appt["id"], "confirm")) is True
    assert status_of(db, appt["id"]) == "confirmed"
    [confirmed] = outbox_events(db, "appointment.confirmed", appointment_id=appt["id"])
    assert confirmed["data"]["actor"] == "guardian"


def test_a_reminder_cancellation_is_only_a_request(client, db, tokens, settings):
    appt = appointment(client, tokens, settings)
    apply(db, responded(appt["id"], "cancel", channel="sms"))
    assert status_of(db, appt["id"]) == "pending_cancel"
    [asked] = outbox_events(db, "appointment.cancel_requested", appointment_id=appt["id"])
    assert asked["data"]["reason"] == "Asked from the sms reminder"
    assert not outbox_events(db, "appointment.cancelled", appointment_id=appt["id"])


def test_a_response_the_state_forbids_is_ignored_and_a_redelivery_changes_nothing(client, db, tokens, settings):
    appt = appointment(client, tokens, settings)
    first = responded(appt["id"], "confirm")
    apply(db, first)
    assert apply(db, first) is False
    assert apply(db, responded(appt["id"], "confirm")) is True  # already confirmed: logged, no change
    assert len(outbox_events(db, "appointment.confirmed", appointment_id=appt["id"])) == 1
    assert apply(db, responded(str(uuid.uuid4()), "confirm")) is True
    assert apply(db, responded(appt["id"], "reschedule")) is True
    assert status_of(db, appt["id"]) == "confirmed"
