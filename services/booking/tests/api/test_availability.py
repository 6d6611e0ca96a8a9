"""Availability resources: time off, closures, rooms, client windows, and what GET /slots makes of them."""
import datetime as dt
import uuid

from ..helpers import at, booked_ok, closed, make_room, make_service, make_therapist, monday


def slots(client, code, first, last=None, headers=None, **extra):
    query = {"service_code": code, "from": first.isoformat(), "to": (last or first).isoformat(), **extra}
    return client.get("/api/v1/slots", query_string=query, headers=headers or {})


def clock(resp):
    assert resp.status_code == 200, resp.json
    return [s["start"][11:16] for s in resp.json]


def test_time_off_is_managed_by_the_front_desk_or_the_therapist_themself(client, tokens, settings):
    code = make_service(client, tokens)
    therapist = make_therapist(client, tokens, [code])
    url = f"/api/v1/therapists/{therapist['id']}/time-off"
    day = monday(3)
    booked_ok(client, code, at(settings.zone, day, "10:00"), therapist_id=therapist["id"])
    own = tokens.headers("therapist", therapist_id=therapist["id"])
    added = client.post(url, json={"date": day.isoformat(), "reason": "Conference"}, headers=own)
    assert added.status_code == 201, added.json
    assert added.json["start"] == at(settings.zone, day, "00:00").isoformat()
    assert len(added.json["clashing_appointment_ids"]) == 1
    assert clock(slots(client, code, day)) == []
    listed = client.get(url, query_string={"from": day.isoformat()}, headers=tokens.headers("front_desk"))
    assert [t["id"] for t in listed.json] == [added.json["id"]] and listed.json[0]["reason"] == "Conference"
    other = tokens.headers("therapist", therapist_id=str(uuid.uuid4()))
    assert client.post(url, json={"date": day.isoformat()}, headers=other).status_code == 403
    assert client.get(url, headers=other).status_code == 403
    assert client.post(url, json={"date": day.isoformat()}, headers=tokens.headers("client")).status_code == 403
    assert client.delete(f"{url}/{added.json['id']}", headers=own).status_code == 204
    assert clock(slots(client, code, day)) == ["09:00", "11:00"]
    assert client.delete(f"{url}/{added.json['id']}", headers=own).status_code == 404


def test_time_off_input_is_validated(client, tokens):
    therapist = make_therapist(client, tokens, [make_service(client, tokens)])
    url = f"/api/v1/therapists/{therapist['id']}/time-off"
    desk = tokens.headers("front_desk")
    neither = client.post(url, json={"reason": "x"}, headers=desk)
    assert neither.status_code == 422 and "start" in neither.json["errors"]
    both = client.post(url, json={"date": "2030-01-01", "start": "2030-01-01T09:00:00+01:00"}, headers=desk)
    assert both.status_code == 422 and "date" in both.json["errors"]
    backwards = client.post(url, json={"start": "2030-01-01T09:00:00+01:00", "end": "2030-01-01T08:00:00+01:00"},
                            headers=desk)
    assert backwards.status_code == 422 and "end" in backwards.json["errors"]
    naive = client.post(url, json={"start": "2030-01-01T09:00:00", "end": "2030-01-01T10:00:00"}, headers=desk)
    assert naive.status_code == 422 and {"start", "end"} <= set(naive.json["errors"])
    assert client.post(f"/api/v1/therapists/{uuid.uuid4()}/time-off", json={"date": "2030-01-01"},
                       headers=desk).status_code == 404
    assert client.get(f"/api/v1/therapists/{uuid.uuid4()}/time-off", headers=desk).status_code == 404


def test_closures_are_set_by_admins_seen_by_staff_and_empty_the_day(client, tokens, settings):
    code = make_service(client, tokens)
    make_therapist(client, tokens, [code])
    day = monday(4) + dt.timedelta(days=1)
    body = {"date": day.isoformat(), "reason": "Bank holiday"}
    assert client.post("/api/v1/closures", json=body).status_code == 401
    assert client.post("/api/v1/closures", json=body, headers=tokens.headers("front_desk")).status_code == 403
    with closed(client, tokens, day, "Bank holiday") as closure:
        assert closure["start"] == at(settings.zone, day, "00:00").isoformat()
        assert clock(slots(client, code, day)) == []
        listed = client.get("/api/v1/closures", query_string={"from": day.isoformat(), "limit": 200},
                            headers=tokens.headers("therapist"))
        assert closure["id"] in [c["id"] for c in listed.json]
        assert client.delete(f"/api/v1/closures/{closure['id']}", headers=tokens.headers("front_desk")) \
            .status_code == 403
    assert clock(slots(client, code, day)) == ["09:00", "10:00", "11:00"]
    missing = client.post("/api/v1/closures", json={"date": day.isoformat()}, headers=tokens.headers("admin"))
    assert missing.status_code == 422 and "reason" in missing.json["errors"]
    assert client.delete(f"/api/v1/closures/{uuid.uuid4()}", headers=tokens.headers("admin")).status_code == 404


def test_rooms_are_created_by_admins_and_listed_by_type(client, tokens):
    room_type = f"sensory-{uuid.uuid4().hex[:6]}"
    room = make_room(client, tokens, room_type, name=f"Blue {room_type}")
    listed = client.get("/api/v1/rooms", query_string={"room_type": room_type}, headers=tokens.headers("therapist"))
    assert listed.json == [{"id": room["id"], "name": f"Blue {room_type}", "room_type": room_type}]
    again = client.post("/api/v1/rooms", json={"name": room["name"], "room_type": room_type},
                        headers=tokens.headers("admin"))
    assert again.status_code == 409 and room["name"] in again.json["detail"]
    bad = client.post("/api/v1/rooms", json={"name": "", "room_type": "Big Room!"}, headers=tokens.headers("admin"))
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"name", "room_type"}
    assert client.post("/api/v1/rooms", json={"name": "x", "room_type": "x"},
                       headers=tokens.headers("front_desk")).status_code == 403
    assert client.get("/api/v1/rooms").status_code == 401


def test_slots_of_a_room_service_need_a_free_room_of_its_type(client, tokens, settings):
    room_type = f"pool-{uuid.uuid4().hex[:6]}"
    code = make_service(client, tokens, room_type=room_type)
    ana = make_therapist(client, tokens, [code])
    make_therapist(client, tokens, [code])
    day = monday(2)
    assert clock(slots(client, code, day)) == []
    make_room(client, tokens, room_type)
    assert clock(slots(client, code, day)) == ["09:00", "09:00", "10:00", "10:00", "11:00", "11:00"]
    booked_ok(client, code, at(settings.zone, day, "10:00"), therapist_id=ana["id"])
    assert clock(slots(client, code, day)) == ["09:00", "09:00", "11:00", "11:00"]


def test_client_windows_are_set_by_staff_or_the_family_and_narrow_the_suggestions(client, tokens, settings):
    code = make_service(client, tokens)
    make_therapist(client, tokens, [code])
    child = str(uuid.uuid4())
    family = tokens.headers("client", client_ids=[child])
    url = f"/api/v1/client-availability/{child}"
    week = [{"weekday": 0, "start": "10:00", "end": "12:00"}]
    saved = client.put(url, json=week, headers=family)
    assert saved.status_code == 200 and saved.json == week
    assert client.get(url, headers=tokens.headers("front_desk")).json == week
    day = monday(2)
    assert clock(slots(client, code, day, headers=family, client_id=child)) == ["10:00", "11:00"]
    assert clock(slots(client, code, day)) == ["09:00", "10:00", "11:00"]
    booked_ok(client, code, at(settings.zone, day, "11:00"),
              headers=tokens.headers("front_desk"), client_id=child)
    assert clock(slots(client, code, day, headers=family, client_id=child)) == ["10:00"]
    assert client.put(url, json=[], headers=tokens.headers("front_desk")).json == []


def test_client_windows_are_private_to_the_family_and_staff(client, tokens):
    child = str(uuid.uuid4())
    url = f"/api/v1/client-availability/{child}"
    stranger = tokens.headers("client", client_ids=[str(uuid.uuid4())])
    week = [{"weekday": 1, "start": "09:00", "end": "12:00"}]
    assert client.put(url, json=week).status_code == 401
    assert client.put(url, json=week, headers=stranger).status_code == 403
    assert client.put(url, json=week, headers=tokens.headers("therapist")).status_code == 403
    assert client.get(url, headers=stranger).status_code == 403
    code = make_service(client, tokens)
    assert slots(client, code, monday(2), client_id=child).status_code == 401
    assert slots(client, code, monday(2), headers=stranger, client_id=child).status_code == 403
    overlap = [{"weekday": 1, "start": "09:00", "end": "12:00"}, {"weekday": 1, "start": "11:00", "end": "13:00"}]
    resp = client.put(url, json=overlap, headers=tokens.headers("front_desk"))
    assert resp.status_code == 422 and "Tuesday" in resp.json["errors"]["availability"][0]
    bad = client.put(url, json=[{"weekday": 7, "start": "9", "end": "10:00"}], headers=tokens.headers("front_desk"))
    assert bad.status_code == 422 and {"0.weekday", "0.start"} <= set(bad.json["errors"])
    too_many = [{"weekday": d % 7, "start": f"{8 + d // 7:02d}:00", "end": f"{8 + d // 7:02d}:30"} for d in range(22)]
    assert client.put(url, json=too_many, headers=tokens.headers("front_desk")).status_code == 422


def test_a_therapist_reads_the_availability_of_the_clients_they_see_only(client, tokens, settings):
    """Security review: therapists read any client's availability and ran slot searches for any client."""
    code = make_service(client, tokens)
    ana = make_therapist(client, tokens, [code])
    seen, unseen = str(uuid.uuid4()), str(uuid.uuid4())
    booked_ok(client, code, at(settings.zone, monday(2), "10:00"), therapist_id=ana["id"],
              headers=tokens.headers("front_desk"), client_id=seen)
    mine = tokens.headers("therapist", therapist_id=ana["id"])
    assert client.get(f"/api/v1/client-availability/{seen}", headers=mine).status_code == 200
    assert client.get(f"/api/v1/client-availability/{unseen}", headers=mine).status_code == 403
    assert slots(client, code, monday(3), headers=mine, client_id=unseen).status_code == 403
    assert slots(client, code, monday(3), headers=mine, client_id=seen).status_code == 200


def test_slots_silently_leave_out_days_beyond_the_horizon_and_starts_inside_the_notice(client, tokens):
    code = make_service(client, tokens, horizon_days=15, min_notice_minutes=60 * 24 * 8)
    make_therapist(client, tokens, [code])
    today = dt.date.today()
    found = slots(client, code, today, today + dt.timedelta(days=40))
    assert found.status_code == 200 and found.json
    days = {dt.date.fromisoformat(s["start"][:10]) for s in found.json}
    assert min(days) >= today + dt.timedelta(days=8) and max(days) <= today + dt.timedelta(days=15)
    far = slots(client, code, today + dt.timedelta(days=30), today + dt.timedelta(days=40))
    assert far.status_code == 200 and far.json == []


def test_service_type_rules_are_changed_by_admins_only(client, tokens):
    code = make_service(client, tokens)
    service = next(s for s in client.get("/api/v1/service-types?limit=200").json if s["code"] == code)
    url = f"/api/v1/service-types/{service['id']}"
    changes = {"min_notice_minutes": 1440, "horizon_days": 60, "granularity_minutes": 15, "buffer_after_minutes": 10,
               "late_cancel_hours": 48, "room_type": "gym"}
    resp = client.patch(url, json=changes, headers=tokens.headers("admin"))
    assert resp.status_code == 200 and {k: resp.json[k] for k in changes} == changes
    back = client.patch(url, json={"granularity_minutes": None, "room_type": None}, headers=tokens.headers("admin"))
    assert back.json["granularity_minutes"] is None and back.json["room_type"] is None
    bad = client.patch(url, json={"horizon_days": 0, "buffer_before_minutes": 241, "granularity_minutes": 1},
                       headers=tokens.headers("admin"))
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"horizon_days", "buffer_before_minutes",
                                                                  "granularity_minutes"}
    assert client.patch(url, json={}, headers=tokens.headers("front_desk")).status_code == 403
    assert client.patch(f"/api/v1/service-types/{uuid.uuid4()}", json={},
                        headers=tokens.headers("admin")).status_code == 404
