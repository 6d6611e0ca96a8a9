"""The appointment lifecycle through the API: confirm, cancel requests, accept / withdraw, late cancellations,
completed / no-show, rescheduling with history, and each transition's event."""
import datetime as dt
import uuid

from booking.models import Appointment

from ..helpers import at, book, booked_ok, make_service, make_therapist, monday, outbox_events


def appointment(client, tokens, settings, weeks=2, hhmm="09:00", **rules):
    """A fresh service and therapist with one appointment of a family (client_id) booked by the front desk."""
    code = make_service(client, tokens, **rules)
    therapist = make_therapist(client, tokens, [code])
    child = str(uuid.uuid4())
    appt = booked_ok(client, code, at(settings.zone, monday(weeks), hhmm), headers=tokens.headers("front_desk"),
                     therapist_id=therapist["id"], client_id=child)
    return appt, tokens.headers("client", client_ids=[child])


def post(client, appt, action, headers, **body):
    return client.post(f"/api/v1/appointments/{appt['id']}/{action}", json=body or None, headers=headers)


def free_starts(client, appt):
    day = dt.date.fromisoformat(appt["start"][:10])
    found = client.get("/api/v1/slots", query_string={"service_code": appt["service_code"], "from": day.isoformat(),
                                                       "to": day.isoformat(), "therapist_id": appt["therapist_id"]})
    return [s["start"] for s in found.json]


def test_a_guardian_cancel_is_a_request_the_front_desk_accepts(client, db, tokens, settings):
    appt, family = appointment(client, tokens, settings)
    asked = post(client, appt, "cancel", family, reason="Holiday")
    assert asked.status_code == 200 and asked.json["status"] == "pending_cancel"
    assert appt["start"] not in free_starts(client, appt)  # still held until the center decides
    [requested] = outbox_events(db, "appointment.cancel_requested", appointment_id=appt["id"])
    assert requested["data"]["actor"] == "guardian" and requested["data"]["reason"] == "Holiday"
    assert post(client, appt, "accept-cancel", family).status_code == 403
    accepted = post(client, appt, "accept-cancel", tokens.headers("front_desk"))
    assert accepted.status_code == 200 and accepted.json["status"] == "cancelled"
    [cancelled] = outbox_events(db, "appointment.cancelled", appointment_id=appt["id"])
    assert cancelled["data"]["status"] == "cancelled" and cancelled["data"]["actor"] == "staff"
    assert appt["start"] in free_starts(client, appt)


def test_withdrawing_a_request_returns_to_the_status_before_it(client, db, tokens, settings):
    appt, family = appointment(client, tokens, settings)
    assert post(client, appt, "confirm", family).json["status"] == "confirmed"
    post(client, appt, "cancel", family)
    back = post(client, appt, "withdraw-cancel", family)
    assert back.status_code == 200 and back.json["status"] == "confirmed" and back.json["cancel_reason"] is None
    [withdrawn] = outbox_events(db, "appointment.cancel_withdrawn", appointment_id=appt["id"])
    assert withdrawn["data"]["status"] == "confirmed"
    again = post(client, appt, "withdraw-cancel", family)
    assert again.status_code == 409 and "no cancellation request to withdraw" in again.json["detail"]


def test_another_family_cannot_touch_the_appointment(client, tokens, settings):
    appt, _ = appointment(client, tokens, settings)
    stranger = tokens.headers("client", client_ids=[str(uuid.uuid4())])
    for action in ("confirm", "cancel", "withdraw-cancel", "history"):
        resp = client.get(f"/api/v1/appointments/{appt['id']}/history", headers=stranger) if action == "history" \
            else post(client, appt, action, stranger)
        assert resp.status_code == 403, action


def test_a_cancellation_inside_the_late_window_is_marked_late(client, db, tokens, settings):
    late, _ = appointment(client, tokens, settings, weeks=1, late_cancel_hours=24 * 14)
    resp = post(client, late, "cancel", tokens.headers("front_desk"), reason="Ill")
    assert resp.json["late_cancellation"] is True
    [event] = outbox_events(db, "appointment.cancelled", appointment_id=late["id"])
    assert event["data"]["late_cancellation"] is True and event["data"]["reason"] == "Ill"
    early, _ = appointment(client, tokens, settings, weeks=1, late_cancel_hours=0)
    assert post(client, early, "cancel", tokens.headers("front_desk"), reason="Ill").json["late_cancellation"] is False


def test_an_accepted_request_is_late_by_when_the_guardian_asked(client, tokens, settings):
    appt, family = appointment(client, tokens, settings, weeks=1, late_cancel_hours=24 * 14)
    assert post(client, appt, "cancel", family).json["late_cancellation"] is True
    assert post(client, appt, "accept-cancel", tokens.headers("front_desk")).json["late_cancellation"] is True


def past(db, appt):
    """Move the appointment into the past (as if its time had come)."""
    with db.transaction() as s:
        row = s.get(Appointment, appt["id"])
        row.start_at, row.end_at = row.start_at - dt.timedelta(days=70), row.end_at - dt.timedelta(days=70)


def test_sessions_are_completed_or_marked_no_show_once_their_start_has_passed(client, db, tokens, settings):
    appt, family = appointment(client, tokens, settings)
    own = tokens.headers("therapist", therapist_id=appt["therapist_id"])
    early = post(client, appt, "complete", own)
    assert early.status_code == 409 and "not started yet" in early.json["detail"]
    past(db, appt)
    assert post(client, appt, "complete", family).status_code == 403
    assert post(client, appt, "complete", tokens.headers("therapist", therapist_id=str(uuid.uuid4()))).status_code \
        == 403
    done = post(client, appt, "complete", own)
    assert done.status_code == 200 and done.json["status"] == "completed"
    assert outbox_events(db, "appointment.completed", appointment_id=appt["id"])
    other, _ = appointment(client, tokens, settings)
    past(db, other)
    missed = post(client, other, "no-show", tokens.headers("front_desk"))
    assert missed.status_code == 200 and missed.json["status"] == "no_show"
    assert outbox_events(db, "appointment.no_show", appointment_id=other["id"])
    assert post(client, other, "cancel", tokens.headers("front_desk"), reason="x").status_code == 409


def test_rescheduling_moves_the_session_keeps_history_and_frees_the_old_slot(client, db, tokens, settings):
    appt, family = appointment(client, tokens, settings)
    post(client, appt, "confirm", family)
    new_start = at(settings.zone, monday(2), "11:00")
    moved = post(client, appt, "reschedule", tokens.headers("front_desk"), start=new_start.isoformat(),
                 reason="Therapist meeting")
    assert moved.status_code == 200, moved.json
    assert moved.json["start"] == new_start.isoformat() and moved.json["status"] == "booked"
    assert appt["start"] in free_starts(client, appt) and new_start.isoformat() not in free_starts(client, appt)
    [event] = outbox_events(db, "appointment.rescheduled", appointment_id=appt["id"])
    assert event["data"]["previous_start"] == appt["start"] and event["data"]["start"] == new_start.isoformat()
    assert event["data"]["previous_therapist_id"] == appt["therapist_id"]
    history = client.get(f"/api/v1/appointments/{appt['id']}/history", headers=family).json
    assert [(h["action"], h["from_status"], h["to_status"]) for h in history] == [
        ("booked", None, "booked"), ("confirm", "booked", "confirmed"), ("reschedule", "confirmed", "booked")]
    assert history[2]["old_start"] == appt["start"] and history[2]["new_start"] == new_start.isoformat()
    assert history[2]["reason"] == "Therapist meeting" and history[2]["actor"] == "staff"


def test_rescheduling_checks_the_same_rules_and_conflicts_as_booking(client, tokens, settings):
    appt, family = appointment(client, tokens, settings)
    desk = tokens.headers("front_desk")
    booked_ok(client, appt["service_code"], at(settings.zone, monday(2), "10:00"),
              therapist_id=appt["therapist_id"])
    taken = post(client, appt, "reschedule", desk, start=at(settings.zone, monday(2), "10:00").isoformat())
    assert taken.status_code == 409 and "taken" in taken.json["detail"]
    outside = post(client, appt, "reschedule", desk, start=at(settings.zone, monday(2), "15:00").isoformat())
    assert outside.status_code == 422 and "working hours" in outside.json["errors"]["start"][0]
    same = post(client, appt, "reschedule", desk, start=appt["start"])
    assert same.status_code == 422 and "current time" in same.json["errors"]["start"][0]
    assert post(client, appt, "reschedule", family, start=appt["start"]).status_code == 403
    post(client, appt, "cancel", desk, reason="x")
    cancelled = post(client, appt, "reschedule", desk, start=at(settings.zone, monday(2), "11:00").isoformat())
    assert cancelled.status_code == 409 and "cannot be rescheduled" in cancelled.json["detail"]


def test_rescheduling_to_another_therapist_who_offers_the_service(client, tokens, settings):
    appt, _ = appointment(client, tokens, settings)
    colleague = make_therapist(client, tokens, [appt["service_code"]])
    moved = post(client, appt, "reschedule", tokens.headers("front_desk"), start=appt["start"],
                 therapist_id=colleague["id"])
    assert moved.status_code == 200 and moved.json["therapist_id"] == colleague["id"]
    stranger = make_therapist(client, tokens, [make_service(client, tokens)])
    wrong = post(client, appt, "reschedule", tokens.headers("front_desk"), start=appt["start"],
                 therapist_id=stranger["id"])
    assert wrong.status_code == 422 and "therapist_id" in wrong.json["errors"]


def test_forbidden_transitions_are_409_and_unknown_appointments_404(client, tokens, settings):
    appt, family = appointment(client, tokens, settings)
    desk = tokens.headers("front_desk")
    nothing = post(client, appt, "accept-cancel", desk)
    assert nothing.status_code == 409 and "no cancellation request to accept" in nothing.json["detail"]
    post(client, appt, "cancel", family)
    pending = post(client, appt, "confirm", desk)
    assert pending.status_code == 409 and "awaiting a decision" in pending.json["detail"]
    for action in ("confirm", "withdraw-cancel", "accept-cancel", "complete", "no-show"):
        assert post(client, {"id": uuid.uuid4()}, action, desk).status_code == 404
    assert client.get(f"/api/v1/appointments/{uuid.uuid4()}/history", headers=desk).status_code == 404


def test_the_history_is_for_those_who_may_see_the_appointment(client, tokens, settings):
    appt, family = appointment(client, tokens, settings)
    assert client.get(f"/api/v1/appointments/{appt['id']}/history").status_code == 401
    assert client.get(f"/api/v1/appointments/{appt['id']}/history", headers=tokens.headers("biller")).status_code \
        == 403
    own = client.get(f"/api/v1/appointments/{appt['id']}/history",
                     headers=tokens.headers("therapist", therapist_id=appt["therapist_id"]))
    assert own.status_code == 200 and own.json[0]["action"] == "booked"


def test_staff_cancel_of_a_pending_request_is_allowed(client, tokens, settings):
    appt, family = appointment(client, tokens, settings)
    post(client, appt, "cancel", family)
    resp = post(client, appt, "cancel", tokens.headers("front_desk"), reason="Agreed on the phone")
    assert resp.status_code == 200 and resp.json["cancel_reason"] == "Agreed on the phone"
    assert book(client, appt["service_code"], dt.datetime.fromisoformat(appt["start"]),
                therapist_id=appt["therapist_id"]).status_code == 201


def test_an_overridden_session_moved_to_a_free_time_is_guarded_again(client, tokens, settings):
    code = make_service(client, tokens)
    therapist = make_therapist(client, tokens, [code])
    desk = tokens.headers("front_desk")
    over = booked_ok(client, code, at(settings.zone, monday(2), "19:00"), headers=desk, therapist_id=therapist["id"],
                     override_reason="Evening exception")
    moved = post(client, over, "reschedule", desk, start=at(settings.zone, monday(2), "10:00").isoformat())
    assert moved.status_code == 200 and moved.json["override"] is None
    history = client.get(f"/api/v1/appointments/{over['id']}/history", headers=desk).json
    assert history[0]["reason"] == "Evening exception"
    clash = book(client, code, at(settings.zone, monday(2), "10:00"), therapist_id=therapist["id"])
    assert clash.status_code == 409


def test_the_front_desk_moves_a_session_over_a_conflict_with_a_reason_kept_and_shown(client, db, tokens, settings):
    appt, _ = appointment(client, tokens, settings)
    desk = tokens.headers("front_desk")
    taken = at(settings.zone, monday(2), "10:00")
    booked_ok(client, appt["service_code"], taken, therapist_id=appt["therapist_id"])
    refused = post(client, appt, "reschedule", desk, start=taken.isoformat())
    assert refused.status_code == 409
    moved = post(client, appt, "reschedule", desk, start=taken.isoformat(), override_reason="Twins, same therapist")
    assert moved.status_code == 200, moved.json
    assert moved.json["start"] == taken.isoformat() and moved.json["status"] == "booked"
    assert moved.json["override"]["reason"] == "Twins, same therapist"
    history = client.get(f"/api/v1/appointments/{appt['id']}/history", headers=desk).json
    assert history[-1]["action"] == "reschedule" and history[-1]["reason"] == "Twins, same therapist"
    assert outbox_events(db, "appointment.rescheduled", appointment_id=appt["id"])


def test_an_override_needs_a_real_reason_and_never_moves_a_session_into_the_past(client, tokens, settings):
    appt, family = appointment(client, tokens, settings)
    desk = tokens.headers("front_desk")
    later = at(settings.zone, monday(2), "11:00").isoformat()
    blank = post(client, appt, "reschedule", desk, start=later, override_reason="   ")
    assert blank.status_code == 422 and "override_reason" in blank.json["errors"]
    past = post(client, appt, "reschedule", desk, start="2020-01-06T10:00:00+01:00", override_reason="Fix the record")
    assert past.status_code == 422 and "start" in past.json["errors"]
    assert post(client, appt, "reschedule", family, start=later, override_reason="Please").status_code == 403
