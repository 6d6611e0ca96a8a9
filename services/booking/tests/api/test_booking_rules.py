"""POST /appointments against the scheduling rules: notice, horizon, closures, time off, buffers, granularity,
rooms, the client's own sessions, and the recorded staff override."""
import datetime as dt
import uuid

from ..helpers import at, book, booked_ok, closed, make_room, make_service, make_service_type, make_therapist, monday


def setup(client, tokens, **rules):
    code = make_service(client, tokens, **rules)
    return code, make_therapist(client, tokens, [code])


def refused(resp, field, words):
    assert resp.status_code == 422, resp.json
    assert words in resp.json["errors"][field][0] and words in resp.json["detail"], resp.json


def test_a_start_inside_the_minimum_notice_is_refused_naming_the_rule(client, tokens, settings):
    code, therapist = setup(client, tokens, min_notice_minutes=60 * 24 * 30)
    resp = book(client, code, at(settings.zone, monday(2), "09:00"), therapist_id=therapist["id"])
    refused(resp, "start", "minimum notice")
    assert "30 days" in resp.json["errors"]["start"][0]


def test_a_start_beyond_the_booking_horizon_is_refused_naming_the_rule(client, tokens, settings):
    code, therapist = setup(client, tokens, horizon_days=10)
    resp = book(client, code, at(settings.zone, monday(3), "09:00"), therapist_id=therapist["id"])
    refused(resp, "start", "booking horizon")
    assert "10 days" in resp.json["detail"]


def test_the_default_rules_book_next_week_and_the_defaults_are_shown(client, tokens, settings):
    service = make_service_type(client, tokens)
    assert {k: service[k] for k in ("min_notice_minutes", "horizon_days", "granularity_minutes",
                                    "buffer_before_minutes", "buffer_after_minutes", "late_cancel_hours")} == {
        "min_notice_minutes": 0, "horizon_days": 90, "granularity_minutes": None, "buffer_before_minutes": 0,
        "buffer_after_minutes": 0, "late_cancel_hours": 24}
    therapist = make_therapist(client, tokens, [service["code"]])
    booked_ok(client, service["code"], at(settings.zone, monday(1), "09:00"), therapist_id=therapist["id"])


def test_a_closed_day_refuses_bookings_and_says_why(client, tokens, settings):
    code, therapist = setup(client, tokens)
    day = monday(5) + dt.timedelta(days=2)
    with closed(client, tokens, day, "Staff training"):
        refused(book(client, code, at(settings.zone, day, "10:00"), therapist_id=therapist["id"]), "start",
                "closed then (Staff training)")
        refused(book(client, code, at(settings.zone, day, "10:00")), "start", "closed")
    booked_ok(client, code, at(settings.zone, day, "10:00"), therapist_id=therapist["id"])


def test_time_off_refuses_that_therapist_and_an_unnamed_booking_goes_to_a_colleague(client, tokens, settings):
    code = make_service(client, tokens)
    away = make_therapist(client, tokens, [code], name=f"Ann {code}")
    colleague = make_therapist(client, tokens, [code], name=f"Bob {code}")
    start = at(settings.zone, monday(2), "10:00")
    resp = client.post(f"/api/v1/therapists/{away['id']}/time-off", headers=tokens.headers("front_desk"), json={
        "start": start.isoformat(), "end": (start + dt.timedelta(hours=2)).isoformat(), "reason": "dentist"})
    assert resp.status_code == 201
    refused(book(client, code, start, therapist_id=away["id"]), "start", "time off")
    assert booked_ok(client, code, start)["therapist_id"] == colleague["id"]


def test_when_every_therapist_is_away_the_refusal_says_time_off(client, tokens, settings):
    code, therapist = setup(client, tokens)
    client.post(f"/api/v1/therapists/{therapist['id']}/time-off", headers=tokens.headers("admin"),
                json={"date": monday(2).isoformat()})
    refused(book(client, code, at(settings.zone, monday(2), "10:00")), "start", "time off")


def test_buffers_keep_a_gap_after_each_session(client, tokens, settings):
    code, therapist = setup(client, tokens, buffer_after_minutes=30, granularity_minutes=30)
    day, tid = monday(2), therapist["id"]
    booked_ok(client, code, at(settings.zone, day, "09:00"), therapist_id=tid)
    too_close = book(client, code, at(settings.zone, day, "10:00"), therapist_id=tid)
    assert too_close.status_code == 409 and "buffer" in too_close.json["detail"]
    booked_ok(client, code, at(settings.zone, day, "10:30"), therapist_id=tid)


def test_granularity_sets_the_grid_of_starts(client, tokens, settings):
    fine, therapist = setup(client, tokens, granularity_minutes=15)
    booked_ok(client, fine, at(settings.zone, monday(2), "09:45"), therapist_id=therapist["id"])
    coarse, other = setup(client, tokens)
    refused(book(client, coarse, at(settings.zone, monday(2), "09:45"), therapist_id=other["id"]), "start",
            "not aligned")


def test_a_client_cannot_be_in_two_sessions_at_once(client, tokens, settings):
    code = make_service(client, tokens)
    first, second = make_therapist(client, tokens, [code]), make_therapist(client, tokens, [code])
    child, start = str(uuid.uuid4()), at(settings.zone, monday(2), "11:00")
    desk = tokens.headers("front_desk")
    booked_ok(client, code, start, headers=desk, therapist_id=first["id"], client_id=child)
    again = book(client, code, start, headers=desk, therapist_id=second["id"], client_id=child)
    assert again.status_code == 409 and "client already has a session" in again.json["detail"]
    unnamed = book(client, code, start, headers=desk, client_id=child)
    assert unnamed.status_code == 409 and "client already has a session" in unnamed.json["detail"]


def test_a_service_needing_a_room_gets_a_free_one_and_none_free_is_409(client, tokens, settings):
    room_type = f"gym-{uuid.uuid4().hex[:6]}"
    code = make_service(client, tokens, room_type=room_type)
    people = [make_therapist(client, tokens, [code]) for _ in range(2)]
    start = at(settings.zone, monday(2), "10:00")
    no_room = book(client, code, start, therapist_id=people[0]["id"])
    assert no_room.status_code == 409 and f"No {room_type} room" in no_room.json["detail"]
    room = make_room(client, tokens, room_type)
    assert booked_ok(client, code, start, therapist_id=people[0]["id"])["room_id"] == room["id"]
    taken = book(client, code, start, therapist_id=people[1]["id"])
    assert taken.status_code == 409 and "room" in taken.json["detail"]


def test_an_asked_room_must_exist_and_be_of_the_required_type(client, tokens, settings):
    code = make_service(client, tokens, room_type=f"pool-{uuid.uuid4().hex[:6]}")
    therapist = make_therapist(client, tokens, [code])
    wrong = make_room(client, tokens, "office")
    start = at(settings.zone, monday(2), "10:00")
    refused(book(client, code, start, therapist_id=therapist["id"], room_id=wrong["id"]), "room_id", "needs a")
    refused(book(client, code, start, therapist_id=therapist["id"], room_id=str(uuid.uuid4())), "room_id",
            "unknown room")


def test_staff_override_books_over_a_conflict_and_records_why_and_who(client, db, tokens, settings):
    code, therapist = setup(client, tokens)
    start = at(settings.zone, monday(2), "09:00")
    booked_ok(client, code, start, therapist_id=therapist["id"])
    desk = tokens.headers("front_desk", name="Fatima Desk", user_id=str(uuid.uuid4()))
    over = book(client, code, start, headers=desk, therapist_id=therapist["id"], override_reason="Sibling session")
    assert over.status_code == 201, over.json
    assert over.json["override"]["reason"] == "Sibling session" and over.json["override"]["by_name"] == "Fatima Desk"
    outside = book(client, code, at(settings.zone, monday(2), "19:00"), headers=desk, therapist_id=therapist["id"],
                   override_reason="Only evening works for the family")
    assert outside.status_code == 201 and outside.json["override"]["by"]


def test_only_the_front_desk_may_override_and_it_needs_a_therapist(client, tokens, settings):
    code, therapist = setup(client, tokens)
    start = at(settings.zone, monday(2), "09:00")
    family = tokens.headers("client", client_ids=[str(uuid.uuid4())])
    for headers in ({}, family, tokens.headers("therapist", therapist_id=therapist["id"])):
        resp = book(client, code, start, headers=headers, therapist_id=therapist["id"], override_reason="please")
        assert resp.status_code == 403, resp.json
    nobody = book(client, code, start, headers=tokens.headers("front_desk"), override_reason="urgent")
    refused(nobody, "therapist_id", "required with override_reason")
