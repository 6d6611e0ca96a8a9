"""GET /slots: free times per therapist in the center's offset, and the checks on the query."""
import datetime as dt
import uuid

from ..helpers import at, book, make_service, make_therapist, monday


def slots(client, code, first, last, **extra):
    query = {"service_code": code, "from": first.isoformat(), "to": last.isoformat(), **extra}
    return client.get("/api/v1/slots", query_string=query)


def test_slots_list_every_free_start_of_each_therapist_in_center_time(client, tokens, settings):
    code = make_service(client, tokens)
    ana = make_therapist(client, tokens, [code], name="Ana " + code)
    zoe = make_therapist(client, tokens, [code], name="Zoe " + code,
                         hours=[{"weekday": 0, "start": "10:00", "end": "11:00"}])
    day = monday(3)
    resp = slots(client, code, day, day)
    assert resp.status_code == 200
    expected = [(at(settings.zone, day, f"{h}:00").isoformat(), t) for h, t in
                [("09", ana), ("10", ana), ("10", zoe), ("11", ana)]]
    assert [(s["start"], s["therapist_id"]) for s in resp.json] == [(start, t["id"]) for start, t in expected]
    assert resp.json[0]["end"] == at(settings.zone, day, "10:00").isoformat()
    assert resp.json[0]["therapist_name"] == "Ana " + code


def test_booked_slots_disappear_and_cancelled_ones_come_back(client, tokens, settings):
    code = make_service(client, tokens)
    therapist = make_therapist(client, tokens, [code])
    day = monday(3)
    start = at(settings.zone, day, "10:00")
    booked = book(client, code, start, therapist_id=therapist["id"])
    assert booked.status_code == 201
    starts = [s["start"] for s in slots(client, code, day, day).json]
    assert start.isoformat() not in starts and len(starts) == 2
    client.post(f"/api/v1/appointments/{booked.json['id']}/cancel", json={"reason": "ill"},
                headers=tokens.headers("front_desk"))
    assert start.isoformat() in [s["start"] for s in slots(client, code, day, day).json]


def test_slots_can_be_narrowed_to_one_therapist(client, tokens):
    code = make_service(client, tokens)
    make_therapist(client, tokens, [code])
    other = make_therapist(client, tokens, [code])
    day = monday(3)
    found = slots(client, code, day, day + dt.timedelta(days=6), therapist_id=other["id"]).json
    assert len(found) == 15 and {s["therapist_id"] for s in found} == {other["id"]}


def test_unknown_service_code_and_bad_therapist_are_422_naming_the_field(client, tokens):
    day = monday(3)
    unknown = slots(client, "NOPE99", day, day)
    assert unknown.status_code == 422 and "service_code" in unknown.json["errors"]
    code = make_service(client, tokens)
    other_code = make_service(client, tokens)
    elsewhere = make_therapist(client, tokens, [other_code])
    for therapist_id in (str(uuid.uuid4()), elsewhere["id"]):
        resp = slots(client, code, day, day, therapist_id=therapist_id)
        assert resp.status_code == 422 and "therapist_id" in resp.json["errors"]


def test_the_date_range_is_checked(client, tokens):
    code = make_service(client, tokens)
    day = monday(3)
    too_long = slots(client, code, day, day + dt.timedelta(days=63))
    assert too_long.status_code == 422 and "to" in too_long.json["errors"]
    backwards = slots(client, code, day, day - dt.timedelta(days=1))
    assert backwards.status_code == 422 and "to" in backwards.json["errors"]
    assert slots(client, code, day, day + dt.timedelta(days=62)).status_code == 200
    missing = client.get("/api/v1/slots", query_string={"from": "01/12/2026"})
    assert missing.status_code == 422 and set(missing.json["errors"]) == {"service_code", "from", "to"}
