"""Reading appointments (each role its own rows) and confirming / cancelling them."""
import datetime as dt
import uuid

from booking.models import Appointment

from ..helpers import at, book, make_service, make_therapist, monday, outbox_events


def booked(client, tokens, settings, hhmm="09:00", client_id=None, weeks=4, **therapist):
    """A fresh service and therapist with one appointment (booked by the front desk)."""
    code = make_service(client, tokens)
    person = make_therapist(client, tokens, [code], **therapist)
    resp = book(client, code, at(settings.zone, monday(weeks), hhmm), headers=tokens.headers("front_desk"),
                therapist_id=person["id"], client_id=client_id)
    assert resp.status_code == 201, resp.json
    return resp.json


def ids(resp):
    assert resp.status_code == 200, resp.json
    return [a["id"] for a in resp.json]


def test_anonymous_callers_cannot_read_appointments(client, tokens, settings):
    appt = booked(client, tokens, settings)
    assert client.get("/api/v1/appointments").status_code == 401
    assert client.get(f"/api/v1/appointments/{appt['id']}").status_code == 401


def test_a_biller_may_not_read_appointments(client, tokens):
    assert client.get("/api/v1/appointments", headers=tokens.headers("biller")).status_code == 403


def test_front_desk_lists_and_filters_all_appointments(client, tokens, settings):
    appt = booked(client, tokens, settings)
    headers = tokens.headers("front_desk")
    assert ids(client.get(f"/api/v1/appointments?therapist_id={appt['therapist_id']}", headers=headers)) == \
        [appt["id"]]
    assert client.get(f"/api/v1/appointments/{appt['id']}", headers=tokens.headers("admin")).json == appt
    day = monday(4).isoformat()
    narrowed = f"/api/v1/appointments?therapist_id={appt['therapist_id']}&from={day}&to={day}&status=booked"
    assert ids(client.get(narrowed, headers=headers)) == [appt["id"]]
    later = (monday(4) + dt.timedelta(days=1)).isoformat()
    assert ids(client.get(f"/api/v1/appointments?therapist_id={appt['therapist_id']}&from={later}",
                          headers=headers)) == []
    assert ids(client.get(f"/api/v1/appointments?therapist_id={appt['therapist_id']}&status=cancelled",
                          headers=headers)) == []


def test_bad_filters_are_422_and_an_unknown_appointment_is_404(client, tokens):
    headers = tokens.headers("front_desk")
    resp = client.get("/api/v1/appointments?status=lost&from=tomorrow&therapist_id=x", headers=headers)
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"status", "from", "therapist_id"}
    assert client.get(f"/api/v1/appointments/{uuid.uuid4()}", headers=headers).status_code == 404


def test_the_list_is_paginated(client, tokens, settings):
    code = make_service(client, tokens)
    person = make_therapist(client, tokens, [code])
    for hhmm in ("09:00", "10:00", "11:00"):
        book(client, code, at(settings.zone, monday(4), hhmm), therapist_id=person["id"])
    headers = tokens.headers("front_desk")
    first = client.get(f"/api/v1/appointments?therapist_id={person['id']}&limit=2", headers=headers)
    assert len(first.json) == 2 and first.headers["X-Next-Cursor"]
    rest = client.get(f"/api/v1/appointments?therapist_id={person['id']}&limit=2"
                      f"&cursor={first.headers['X-Next-Cursor']}", headers=headers)
    assert len(rest.json) == 1 and rest.json[0]["start"] > first.json[1]["start"]


def test_a_therapist_sees_only_their_own_appointments(client, tokens, settings):
    mine = booked(client, tokens, settings)
    other = booked(client, tokens, settings)
    headers = tokens.headers("therapist", therapist_id=mine["therapist_id"])
    assert ids(client.get("/api/v1/appointments?limit=200", headers=headers)) == [mine["id"]]
    assert ids(client.get(f"/api/v1/appointments?therapist_id={other['therapist_id']}", headers=headers)) == []
    assert client.get(f"/api/v1/appointments/{mine['id']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/appointments/{other['id']}", headers=headers).status_code == 403


def test_a_family_sees_only_its_own_appointments(client, tokens, settings):
    my_child, other_child = str(uuid.uuid4()), str(uuid.uuid4())
    mine = booked(client, tokens, settings, client_id=my_child)
    other = booked(client, tokens, settings, client_id=other_child)
    family = tokens.headers("client", client_ids=[my_child])
    assert ids(client.get("/api/v1/appointments?limit=200", headers=family)) == [mine["id"]]
    assert client.get(f"/api/v1/appointments/{mine['id']}", headers=family).status_code == 200
    assert client.get(f"/api/v1/appointments/{other['id']}", headers=family).status_code == 403


def test_front_desk_confirms_and_the_confirmation_is_announced(client, db, tokens, settings):
    appt = booked(client, tokens, settings, client_id=str(uuid.uuid4()))
    resp = client.post(f"/api/v1/appointments/{appt['id']}/confirm", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200 and resp.json["status"] == "confirmed"
    [event] = outbox_events(db, "appointment.confirmed", appointment_id=appt["id"])
    first_contract = {"appointment_id": appt["id"], "therapist_id": appt["therapist_id"],
                      "client_id": appt["client_id"], "start": appt["start"], "end": appt["end"],
                      "status": "confirmed", "reason": None, "guardian_email": appt["guardian"]["email"]}
    assert {k: event["data"][k] for k in first_contract} == first_contract
    assert event["data"]["actor"] == "staff" and event["data"]["service_code"] == appt["service_code"]


def test_a_staff_member_with_the_longest_name_an_account_may_have_acts_on_appointments(client, tokens, settings):
    """Security finding 12: a staff name over 120 characters made every appointment action 500 on PostgreSQL."""
    appt = booked(client, tokens, settings, client_id=str(uuid.uuid4()))
    desk = tokens.headers("front_desk", name="N" * 201)
    resp = client.post(f"/api/v1/appointments/{appt['id']}/confirm", headers=desk)
    assert resp.status_code == 200 and resp.json["status"] == "confirmed"


def test_a_family_confirms_its_own_appointment_but_not_anothers(client, tokens, settings):
    my_child = str(uuid.uuid4())
    mine = booked(client, tokens, settings, client_id=my_child)
    other = booked(client, tokens, settings, client_id=str(uuid.uuid4()))
    family = tokens.headers("client", client_ids=[my_child])
    assert client.post(f"/api/v1/appointments/{other['id']}/confirm", headers=family).status_code == 403
    resp = client.post(f"/api/v1/appointments/{mine['id']}/confirm", headers=family)
    assert resp.status_code == 200 and resp.json["status"] == "confirmed"
    therapist = tokens.headers("therapist", therapist_id=mine["therapist_id"])
    assert client.post(f"/api/v1/appointments/{mine['id']}/confirm", headers=therapist).status_code == 403


def test_front_desk_cancels_with_a_reason_which_frees_the_slot(client, db, tokens, settings):
    appt = booked(client, tokens, settings)
    resp = client.post(f"/api/v1/appointments/{appt['id']}/cancel", json={"reason": "Child is ill"},
                       headers=tokens.headers("front_desk"))
    assert resp.status_code == 200 and resp.json["status"] == "cancelled"
    assert resp.json["cancel_reason"] == "Child is ill"
    [event] = outbox_events(db, "appointment.cancelled", appointment_id=appt["id"])
    assert event["data"]["reason"] == "Child is ill" and event["data"]["status"] == "cancelled"
    rebook = book(client, appt["service_code"], dt.datetime.fromisoformat(appt["start"]),
                  therapist_id=appt["therapist_id"])
    assert rebook.status_code == 201


def test_staff_cancelling_needs_a_reason_and_others_are_refused(client, tokens, settings):
    my_child = str(uuid.uuid4())
    appt = booked(client, tokens, settings, client_id=my_child)
    url = f"/api/v1/appointments/{appt['id']}/cancel"
    missing = client.post(url, json={}, headers=tokens.headers("front_desk"))
    assert missing.status_code == 422 and "reason" in missing.json["errors"]
    assert client.post(url, json={"reason": "x"}).status_code == 401
    for headers in (tokens.headers("client", client_ids=[str(uuid.uuid4())]), tokens.headers("biller"),
                    tokens.headers("therapist", therapist_id=appt["therapist_id"])):
        assert client.post(url, json={"reason": "x"}, headers=headers).status_code == 403
    assert client.post(f"/api/v1/appointments/{uuid.uuid4()}/cancel", json={"reason": "x"},
                       headers=tokens.headers("front_desk")).status_code == 404


def test_forbidden_transitions_are_409_with_the_reason(client, db, tokens, settings):
    headers = tokens.headers("front_desk")
    cancelled = booked(client, tokens, settings)
    client.post(f"/api/v1/appointments/{cancelled['id']}/cancel", json={"reason": "x"}, headers=headers)
    confirm = client.post(f"/api/v1/appointments/{cancelled['id']}/confirm", headers=headers)
    assert confirm.status_code == 409 and confirm.json["detail"] == \
        "The appointment is cancelled; it cannot be confirmed."
    completed = booked(client, tokens, settings)
    with db.transaction() as s:
        s.get(Appointment, completed["id"]).status = "completed"
    cancel = client.post(f"/api/v1/appointments/{completed['id']}/cancel", json={"reason": "x"}, headers=headers)
    assert cancel.status_code == 409 and cancel.json["detail"] == \
        "The appointment is completed; it cannot be cancelled."
