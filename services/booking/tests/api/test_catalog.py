"""Service types and therapists: public reads, admin writes, and every refusal."""
import uuid

from ..helpers import make_service, make_therapist, unique_code


def test_anyone_lists_service_types_and_an_admin_adds_one(client, tokens):
    code = unique_code()
    resp = client.post("/api/v1/service-types", json={"code": code, "name": "Occupational therapy",
                                                      "duration_minutes": 45}, headers=tokens.headers("admin"))
    assert resp.status_code == 201
    assert {k: resp.json[k] for k in ("code", "name", "duration_minutes")} == {
        "code": code, "name": "Occupational therapy", "duration_minutes": 45}
    listed = client.get("/api/v1/service-types?limit=200").json
    assert {"id": resp.json["id"], "code": code, "name": "Occupational therapy", "duration_minutes": 45,
            "buffer_before_minutes": 0, "buffer_after_minutes": 0, "min_notice_minutes": 0, "horizon_days": 90,
            "granularity_minutes": None, "late_cancel_hours": 24, "room_type": None} in listed


def test_anyone_reads_one_service_type_with_its_rules_and_an_unknown_one_is_404(client, tokens):
    created = client.post("/api/v1/service-types", json={
        "code": unique_code(), "name": "Speech therapy", "duration_minutes": 45, "buffer_after_minutes": 15},
        headers=tokens.headers("admin")).json
    resp = client.get(f"/api/v1/service-types/{created['id']}")
    assert resp.status_code == 200 and resp.json == created and resp.json["buffer_after_minutes"] == 15
    assert client.get(f"/api/v1/service-types/{uuid.uuid4()}").status_code == 404


def test_a_duplicate_service_code_is_a_conflict(client, tokens):
    code = make_service(client, tokens)
    again = client.post("/api/v1/service-types", json={"code": code, "name": "Again", "duration_minutes": 30},
                        headers=tokens.headers("admin"))
    assert again.status_code == 409 and code in again.json["detail"]


def test_service_type_fields_are_validated_by_name(client, tokens):
    resp = client.post("/api/v1/service-types", json={"code": "ot", "name": "", "duration_minutes": 481},
                       headers=tokens.headers("admin"))
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"code", "name", "duration_minutes"}
    short = client.post("/api/v1/service-types", json={"code": "ABCDEFGHIJK", "name": "x", "duration_minutes": 4},
                        headers=tokens.headers("admin"))
    assert set(short.json["errors"]) == {"code", "duration_minutes"}


def test_only_admins_create_service_types(client, tokens):
    body = {"code": unique_code(), "name": "x", "duration_minutes": 30}
    assert client.post("/api/v1/service-types", json=body).status_code == 401
    assert client.post("/api/v1/service-types", json=body, headers=tokens.headers("front_desk")).status_code == 403
    assert client.post("/api/v1/service-types", json=body, headers=tokens.headers("org_admin")).status_code == 201


def test_admin_creates_a_therapist_shown_publicly_with_services_and_hours(client, tokens):
    code = make_service(client, tokens)
    name = f"Alice {uuid.uuid4().hex[:6]}"
    hours = [{"weekday": 0, "start": "13:00", "end": "17:00"}, {"weekday": 0, "start": "09:00", "end": "12:00"}]
    created = make_therapist(client, tokens, [code, code], name=name, hours=hours)
    assert created["name"] == name and created["service_codes"] == [code]
    detail = client.get(f"/api/v1/therapists/{created['id']}").json
    assert detail["working_hours"] == [{"weekday": 0, "start": "09:00", "end": "12:00"},
                                       {"weekday": 0, "start": "13:00", "end": "17:00"}]
    listed = client.get("/api/v1/therapists?limit=200").json
    assert {"id": created["id"], "name": name, "service_codes": [code]} in listed


def test_therapist_with_an_unknown_service_code_is_refused_naming_service_codes(client, tokens):
    resp = client.post("/api/v1/therapists", json={"name": "Bob", "service_codes": ["NOPE99"]},
                       headers=tokens.headers("admin"))
    assert resp.status_code == 422 and "NOPE99" in resp.json["errors"]["service_codes"][0]


def test_therapist_working_hours_are_validated(client, tokens):
    code = make_service(client, tokens)
    headers = tokens.headers("admin")
    bad = client.post("/api/v1/therapists", json={
        "name": "Bob", "service_codes": [code],
        "working_hours": [{"weekday": 7, "start": "9h", "end": "17:00"}, {"weekday": 1, "start": "12:00",
                                                                         "end": "09:00"}]}, headers=headers)
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"working_hours.0.weekday", "working_hours.0.start", "working_hours.1.end"}
    overlapping = client.post("/api/v1/therapists", json={
        "name": "Bob", "service_codes": [code],
        "working_hours": [{"weekday": 2, "start": "09:00", "end": "12:00"},
                          {"weekday": 2, "start": "11:00", "end": "14:00"}]}, headers=headers)
    assert overlapping.status_code == 422 and "Wednesday" in overlapping.json["errors"]["working_hours"][0]
    missing = client.post("/api/v1/therapists", json={"email": "not-an-email"}, headers=headers)
    assert set(missing.json["errors"]) == {"name", "service_codes", "email"}


def test_admin_replaces_a_therapists_week(client, tokens):
    code = make_service(client, tokens)
    therapist = make_therapist(client, tokens, [code])
    week = {"working_hours": [{"weekday": 4, "start": "08:30", "end": "12:30"}]}
    resp = client.put(f"/api/v1/therapists/{therapist['id']}/working-hours", json=week,
                      headers=tokens.headers("admin"))
    assert resp.status_code == 200 and resp.json["working_hours"] == week["working_hours"]
    assert client.get(f"/api/v1/therapists/{therapist['id']}").json["working_hours"] == week["working_hours"]


def test_replacing_hours_is_admin_only_validated_and_404_for_an_unknown_therapist(client, tokens):
    code = make_service(client, tokens)
    therapist = make_therapist(client, tokens, [code])
    url = f"/api/v1/therapists/{therapist['id']}/working-hours"
    week = {"working_hours": []}
    assert client.put(url, json=week).status_code == 401
    assert client.put(url, json=week, headers=tokens.headers("front_desk")).status_code == 403
    overlap = {"working_hours": [{"weekday": 0, "start": "09:00", "end": "12:00"},
                                 {"weekday": 0, "start": "09:00", "end": "10:00"}]}
    refused = client.put(url, json=overlap, headers=tokens.headers("admin"))
    assert refused.status_code == 422 and "Monday" in refused.json["errors"]["working_hours.1.start"][0]
    unknown = f"/api/v1/therapists/{uuid.uuid4()}/working-hours"
    assert client.put(unknown, json=week, headers=tokens.headers("admin")).status_code == 404


def test_unknown_or_malformed_therapist_id_is_404(client):
    assert client.get(f"/api/v1/therapists/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/therapists/not-a-uuid").status_code == 404


def test_only_admins_create_therapists(client, tokens):
    body = {"name": "Eve", "service_codes": ["OT"]}
    assert client.post("/api/v1/therapists", json=body).status_code == 401
    for role in ("front_desk", "therapist", "client"):
        assert client.post("/api/v1/therapists", json=body, headers=tokens.headers(role)).status_code == 403
