"""POST /appointments: the booking rules, the event it publishes, and who may book for whom."""
import datetime as dt
import uuid

from sqlalchemy import func, select

from booking.models import Appointment

from ..helpers import at, book, booking, make_service, make_therapist, monday, outbox_events


def setup(client, tokens, **therapist):
    code = make_service(client, tokens)
    return code, make_therapist(client, tokens, [code], **therapist)


def test_a_family_books_online_and_the_booking_is_announced(client, db, tokens, settings):
    code, therapist = setup(client, tokens)
    start = at(settings.zone, monday(2), "10:00")
    resp = book(client, code, start, therapist_id=therapist["id"], notes="Prefers mornings")
    assert resp.status_code == 201
    body = resp.json
    assert body["status"] == "booked" and body["source"] == "online" and body["client_id"] is None
    assert body["start"] == start.isoformat() and body["end"] == (start + dt.timedelta(hours=1)).isoformat()
    assert body["therapist_id"] == therapist["id"] and body["therapist_name"] == therapist["name"]
    assert body["client"] == {"first_name": "Lina", "last_name": "Martin", "birth_date": "2019-04-02"}
    [event] = outbox_events(db, "appointment.booked", appointment_id=body["id"])
    assert event["data"] == {
        "appointment_id": body["id"], "status": "booked", "service_code": code, "service_name": f"Therapy {code}",
        "therapist_id": therapist["id"], "therapist_name": therapist["name"], "room_id": None,
        "start": start.isoformat(), "end": body["end"], "client": body["client"], "guardian": body["guardian"],
        "client_id": None, "source": "online", "notes": "Prefers mornings", "series_id": None, "reason": None,
        "late_cancellation": False, "previous_start": None, "previous_end": None, "previous_therapist_id": None,
        "actor": "guardian", "guardian_email": body["guardian"]["email"]}


def test_booking_a_taken_slot_is_409(client, tokens, settings):
    code, therapist = setup(client, tokens)
    start = at(settings.zone, monday(2), "09:00")
    assert book(client, code, start, therapist_id=therapist["id"]).status_code == 201
    again = book(client, code, start, therapist_id=therapist["id"])
    assert again.status_code == 409 and "taken" in again.json["detail"]


def test_without_a_therapist_the_first_free_one_by_name_is_chosen(client, tokens, settings):
    code = make_service(client, tokens)
    zoe = make_therapist(client, tokens, [code], name=f"Zoe {code}")
    ana = make_therapist(client, tokens, [code], name=f"Ana {code}")
    start = at(settings.zone, monday(2), "11:00")
    assert book(client, code, start).json["therapist_id"] == ana["id"]
    assert book(client, code, start).json["therapist_id"] == zoe["id"]
    full = book(client, code, start)
    assert full.status_code == 409 and "No therapist" in full.json["detail"]


def test_without_a_therapist_the_start_must_be_a_slot_of_someone(client, tokens, settings):
    code, _ = setup(client, tokens)
    outside = book(client, code, at(settings.zone, monday(2), "14:00"))
    assert outside.status_code == 422 and outside.json["errors"]["start"] == ["outside the therapist's working hours"]
    misaligned = book(client, code, at(settings.zone, monday(2), "09:30"))
    assert misaligned.status_code == 422 and misaligned.json["errors"]["start"] == ["not aligned to a slot"]


def test_each_booking_rule_is_a_422_naming_its_field(client, tokens, settings):
    code, therapist = setup(client, tokens)
    elsewhere = make_therapist(client, tokens, [make_service(client, tokens)])
    day, tid = monday(2), therapist["id"]
    cases = [
        (book(client, "NOPE99", at(settings.zone, day, "09:00")), "service_code", "unknown service type"),
        (book(client, code, at(settings.zone, day, "09:00"), therapist_id=str(uuid.uuid4())), "therapist_id",
         "unknown therapist"),
        (book(client, code, at(settings.zone, day, "09:00"), therapist_id=elsewhere["id"]), "therapist_id",
         "does not offer"),
        (book(client, code, dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1), therapist_id=tid), "start",
         "future"),
        (book(client, code, at(settings.zone, day, "12:00"), therapist_id=tid), "start", "working hours"),
        (book(client, code, at(settings.zone, day + dt.timedelta(days=5), "09:00"), therapist_id=tid), "start",
         "working hours"),
        (book(client, code, at(settings.zone, day, "09:15"), therapist_id=tid), "start", "not aligned"),
    ]
    for resp, field, words in cases:
        assert resp.status_code == 422 and words in resp.json["errors"][field][0], (field, resp.json)


def test_shape_errors_name_every_bad_field_and_write_nothing(client, db, tokens):
    before = len(outbox_events(db, "appointment.booked"))
    resp = client.post("/api/v1/appointments", json={
        "service_code": "OT", "start": "2030-01-07T09:00:00", "therapist_id": "x",
        "client": {"first_name": ""}, "guardian": {"first_name": "M", "last_name": "P", "email": "nope"}})
    assert resp.status_code == 422
    assert {"start", "therapist_id", "client.first_name", "client.last_name", "guardian.email"} <= set(
        resp.json["errors"])
    assert client.post("/api/v1/appointments", json={}).json["errors"].keys() >= {
        "service_code", "start", "client", "guardian"}
    assert len(outbox_events(db, "appointment.booked")) == before


def test_a_name_on_two_lines_and_an_address_too_long_to_mail_are_named_not_stored(client, db):
    """Security review: CR/LF in a name silently stopped every e-mail to the family; a 300-character address 500."""
    before = len(outbox_events(db, "appointment.booked"))
    resp = client.post("/api/v1/appointments", json={
        "service_code": "OT", "start": "2030-01-07T09:00:00+01:00",
        "client": {"first_name": "Lina", "last_name": "Dupont"},
        "guardian": {"first_name": "Maya\r\nBcc: x@example.org", "last_name": "P",
                     "email": "a" * 250 + "@example.org"}})
    assert resp.status_code == 422 and {"guardian.first_name", "guardian.email"} <= set(resp.json["errors"])
    assert "one line" in resp.json["errors"]["guardian.first_name"][0]
    assert len(outbox_events(db, "appointment.booked")) == before


def test_staff_bookings_come_from_the_front_desk(client, tokens, settings):
    code, therapist = setup(client, tokens)
    resp = book(client, code, at(settings.zone, monday(2), "09:00"), headers=tokens.headers("front_desk"),
                therapist_id=therapist["id"])
    assert resp.status_code == 201 and resp.json["source"] == "front_desk"


def test_a_family_books_from_the_portal_for_its_own_client_only(client, tokens, settings):
    code, therapist = setup(client, tokens)
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    family = tokens.headers("client", client_ids=[mine])
    day = monday(2)
    own = book(client, code, at(settings.zone, day, "09:00"), headers=family, client_id=mine)
    assert own.status_code == 201 and own.json["source"] == "portal" and own.json["client_id"] == mine
    other = book(client, code, at(settings.zone, day, "10:00"), headers=family, client_id=theirs)
    assert other.status_code == 403
    anonymous = book(client, code, at(settings.zone, day, "10:00"), client_id=mine)
    assert anonymous.status_code == 401


def test_a_retried_booking_with_the_same_idempotency_key_books_once(client, db, tokens, settings):
    code, therapist = setup(client, tokens)
    body = booking(code, at(settings.zone, monday(2), "09:00"), therapist_id=therapist["id"])
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.post("/api/v1/appointments", json=body, headers=headers)
    second = client.post("/api/v1/appointments", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json["id"] == first.json["id"] and second.headers["Idempotent-Replayed"] == "true"
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)
                        .where(Appointment.therapist_id == therapist["id"])) == 1
