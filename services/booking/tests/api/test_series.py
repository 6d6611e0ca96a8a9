"""Recurring series: every occurrence conflict-checked, DST-correct local times, "this and following"."""
import datetime as dt
import uuid

from ..helpers import at, booked_ok, booking, closed, make_service, make_therapist, monday, outbox_events

SATURDAY_MORNINGS = [{"weekday": 5, "start": "09:00", "end": "12:00"}]


def series_body(code, therapist_id, start, **extra):
    body = booking(code, start, therapist_id=therapist_id, every_weeks=1)
    body.update(extra)
    return body


def create(client, tokens, body, headers=None):
    return client.post("/api/v1/appointment-series", json=body, headers=headers or tokens.headers("front_desk"))


def setup(client, tokens, hours=None, **rules):
    code = make_service(client, tokens, **rules)
    return code, make_therapist(client, tokens, [code], hours=hours)


def test_a_weekly_series_books_every_occurrence_and_announces_each(client, db, tokens, settings):
    code, therapist = setup(client, tokens)
    child = str(uuid.uuid4())
    resp = create(client, tokens, series_body(code, therapist["id"], at(settings.zone, monday(1), "10:00"), count=4,
                                              client_id=child))
    assert resp.status_code == 201, resp.json
    starts = [a["start"] for a in resp.json["booked"]]
    assert starts == [at(settings.zone, monday(1) + dt.timedelta(weeks=n), "10:00").isoformat() for n in range(4)]
    assert resp.json["conflicts"] == [] and {a["series_id"] for a in resp.json["booked"]} == {resp.json["id"]}
    events = outbox_events(db, "appointment.booked", series_id=resp.json["id"])
    assert len(events) == 4 and {e["data"]["client_id"] for e in events} == {child}


def test_conflicting_occurrences_are_reported_with_their_reason_and_the_rest_booked(client, tokens, settings):
    code, therapist = setup(client, tokens)
    taken = at(settings.zone, monday(2), "10:00")
    booked_ok(client, code, taken, therapist_id=therapist["id"])
    closed_day = monday(3)
    with closed(client, tokens, closed_day, "Inventory"):
        resp = create(client, tokens, series_body(code, therapist["id"], at(settings.zone, monday(1), "10:00"),
                                                  count=4))
    assert resp.status_code == 201
    assert len(resp.json["booked"]) == 2
    assert [(c["start"], c["reason"]) for c in resp.json["conflicts"]] == [
        (taken.isoformat(), "That slot is already taken; pick another time."),
        (at(settings.zone, closed_day, "10:00").isoformat(), "the center is closed then (Inventory)")]


def test_the_client_is_conflict_checked_too(client, tokens, settings):
    code, therapist = setup(client, tokens)
    other = make_therapist(client, tokens, [code])
    child = str(uuid.uuid4())
    booked_ok(client, code, at(settings.zone, monday(2), "10:00"), headers=tokens.headers("front_desk"),
              therapist_id=other["id"], client_id=child)
    resp = create(client, tokens, series_body(code, therapist["id"], at(settings.zone, monday(1), "10:00"), count=3,
                                              client_id=child))
    assert [c["reason"] for c in resp.json["conflicts"]] == ["The client already has a session at that time."]


def test_every_n_weeks_until_a_date(client, tokens, settings):
    code, therapist = setup(client, tokens)
    first = monday(1)
    resp = create(client, tokens, series_body(code, therapist["id"], at(settings.zone, first, "09:00"),
                                              every_weeks=2, until=(first + dt.timedelta(weeks=4)).isoformat()))
    assert [a["start"][:10] for a in resp.json["booked"]] == [
        (first + dt.timedelta(weeks=n)).isoformat() for n in (0, 2, 4)]


def test_occurrences_keep_their_local_time_across_the_spring_dst_change(client, tokens, settings):
    code, therapist = setup(client, tokens, hours=SATURDAY_MORNINGS, horizon_days=730)
    resp = create(client, tokens, series_body(code, therapist["id"], at(settings.zone, dt.date(2027, 3, 20), "10:00"),
                                              count=3))
    assert [a["start"] for a in resp.json["booked"]] == [
        "2027-03-20T10:00:00+01:00", "2027-03-27T10:00:00+01:00", "2027-04-03T10:00:00+02:00"]


def test_a_local_time_skipped_by_the_spring_change_is_a_conflict(client, tokens, settings):
    nights = [{"weekday": 6, "start": "01:00", "end": "05:00"}]
    code, therapist = setup(client, tokens, duration=30, hours=nights, horizon_days=730)
    resp = create(client, tokens, series_body(code, therapist["id"], at(settings.zone, dt.date(2027, 3, 21), "02:30"),
                                              count=3))
    assert [a["start"] for a in resp.json["booked"]] == ["2027-03-21T02:30:00+01:00", "2027-04-04T02:30:00+02:00"]
    [missing] = resp.json["conflicts"]
    assert missing["start"] == "2027-03-28T02:30:00" and "daylight-saving" in missing["reason"]


def test_a_series_with_nothing_bookable_is_409_listing_why(client, tokens, settings):
    code, therapist = setup(client, tokens)
    resp = create(client, tokens, series_body(code, therapist["id"], at(settings.zone, monday(1), "15:00"), count=2))
    assert resp.status_code == 409 and len(resp.json["conflicts"]) == 2
    assert "working hours" in resp.json["detail"]


def test_series_input_is_validated_by_field(client, tokens, settings):
    code, therapist = setup(client, tokens)
    start = at(settings.zone, monday(1), "09:00")
    both = create(client, tokens, series_body(code, therapist["id"], start, count=2, until="2030-01-01"))
    assert both.status_code == 422 and "count" in both.json["errors"]
    neither = create(client, tokens, series_body(code, therapist["id"], start))
    assert neither.status_code == 422 and "count" in neither.json["errors"]
    bad = create(client, tokens, series_body(code, therapist["id"], start, count=53, every_weeks=9))
    assert bad.status_code == 422 and {"count", "every_weeks"} <= set(bad.json["errors"])
    backwards = create(client, tokens, series_body(code, therapist["id"], start, until="2020-01-01"))
    assert backwards.status_code == 422 and "until" in backwards.json["errors"]
    unknown = create(client, tokens, series_body(code, str(uuid.uuid4()), start, count=2))
    assert unknown.status_code == 422 and "therapist_id" in unknown.json["errors"]


def test_only_the_front_desk_creates_series(client, tokens, settings):
    code, therapist = setup(client, tokens)
    body = series_body(code, therapist["id"], at(settings.zone, monday(1), "09:00"), count=2)
    assert create(client, tokens, body, headers={"X": "anonymous"}).status_code == 401
    for role in ("client", "therapist", "biller"):
        assert create(client, tokens, body, headers=tokens.headers(role)).status_code == 403


def make_series(client, tokens, settings, count=4, client_id=None):
    code, therapist = setup(client, tokens)
    resp = create(client, tokens, series_body(code, therapist["id"], at(settings.zone, monday(1), "09:00"),
                                              count=count, client_id=client_id))
    assert resp.status_code == 201, resp.json
    return resp.json


def test_cancelling_this_and_following_leaves_earlier_occurrences(client, db, tokens, settings):
    series = make_series(client, tokens, settings)
    second = series["booked"][1]
    resp = client.post(f"/api/v1/appointment-series/{series['id']}/cancel", headers=tokens.headers("front_desk"),
                       json={"from_appointment_id": second["id"], "reason": "Family moved"})
    assert resp.status_code == 200, resp.json
    assert [a["id"] for a in resp.json["cancelled"]] == [a["id"] for a in series["booked"][1:]]
    assert {a["status"] for a in resp.json["cancelled"]} == {"cancelled"}
    detail = client.get(f"/api/v1/appointment-series/{series['id']}", headers=tokens.headers("front_desk")).json
    assert [a["status"] for a in detail["appointments"]] == ["booked", "cancelled", "cancelled", "cancelled"]
    assert len(outbox_events(db, "appointment.cancelled", series_id=series["id"])) == 3


def test_rescheduling_this_and_following_moves_them_to_the_new_local_time(client, db, tokens, settings):
    series = make_series(client, tokens, settings)
    second = series["booked"][1]
    new_start = at(settings.zone, monday(2), "11:00")
    resp = client.post(f"/api/v1/appointment-series/{series['id']}/reschedule", headers=tokens.headers("front_desk"),
                       json={"from_appointment_id": second["id"], "start": new_start.isoformat()})
    assert resp.status_code == 200, resp.json
    assert [a["start"] for a in resp.json["rescheduled"]] == [
        at(settings.zone, monday(2 + n), "11:00").isoformat() for n in range(3)]
    assert resp.json["conflicts"] == []
    assert len(outbox_events(db, "appointment.rescheduled", series_id=series["id"])) == 3
    first = client.get(f"/api/v1/appointments/{series['booked'][0]['id']}", headers=tokens.headers("front_desk"))
    assert first.json["start"] == series["booked"][0]["start"]


def test_moving_a_series_one_hour_later_does_not_collide_with_itself(client, tokens, settings):
    series = make_series(client, tokens, settings, count=3)
    code, therapist_id = series["booked"][0]["service_code"], series["booked"][0]["therapist_id"]
    booked_ok(client, code, at(settings.zone, monday(3), "10:00"), therapist_id=therapist_id)
    resp = client.post(f"/api/v1/appointment-series/{series['id']}/reschedule", headers=tokens.headers("front_desk"),
                       json={"from_appointment_id": series["booked"][0]["id"],
                             "start": at(settings.zone, monday(1), "10:00").isoformat()})
    assert len(resp.json["rescheduled"]) == 2
    [conflict] = resp.json["conflicts"]
    assert conflict["appointment_id"] == series["booked"][2]["id"] and "taken" in conflict["reason"]


def test_this_and_following_needs_an_occurrence_of_that_series(client, tokens, settings):
    series = make_series(client, tokens, settings, count=2)
    other = make_series(client, tokens, settings, count=2)
    url = f"/api/v1/appointment-series/{series['id']}/cancel"
    wrong = client.post(url, headers=tokens.headers("front_desk"),
                        json={"from_appointment_id": other["booked"][0]["id"], "reason": "x"})
    assert wrong.status_code == 422 and "from_appointment_id" in wrong.json["errors"]
    missing = client.post(f"/api/v1/appointment-series/{uuid.uuid4()}/cancel", headers=tokens.headers("front_desk"),
                          json={"from_appointment_id": series["booked"][0]["id"], "reason": "x"})
    assert missing.status_code == 404
    assert client.post(url, headers=tokens.headers("client"), json={
        "from_appointment_id": series["booked"][0]["id"], "reason": "x"}).status_code == 403
    client.post(url, headers=tokens.headers("front_desk"),
                json={"from_appointment_id": series["booked"][0]["id"], "reason": "x"})
    again = client.post(url, headers=tokens.headers("front_desk"),
                        json={"from_appointment_id": series["booked"][0]["id"], "reason": "x"})
    assert again.status_code == 409


def test_a_family_reads_its_own_series_only(client, tokens, settings):
    child = str(uuid.uuid4())
    series = make_series(client, tokens, settings, count=2, client_id=child)
    url = f"/api/v1/appointment-series/{series['id']}"
    assert client.get(url, headers=tokens.headers("client", client_ids=[child])).status_code == 200
    assert client.get(url, headers=tokens.headers("client", client_ids=[str(uuid.uuid4())])).status_code == 403
    assert client.get(f"/api/v1/appointment-series/{uuid.uuid4()}", headers=tokens.headers("front_desk")) \
        .status_code == 404
