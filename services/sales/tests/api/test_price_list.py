"""Price list API: public reading, admin-only changes, one active single-session price per service."""
import uuid

from ..helpers import add_price, unique_code


def test_admin_adds_a_single_price_and_a_package_and_anyone_can_read_them(client, tokens):
    code = unique_code()
    single = add_price(client, tokens, code, unit_price="60.00")
    package = add_price(client, tokens, code, kind="package", sessions=10, unit_price="500")
    assert single["sessions"] == 1 and single["unit_price"] == "60.00" and single["currency"] == "EUR"
    assert package["sessions"] == 10 and package["unit_price"] == "500.00" and package["active"] is True
    resp = client.get(f"/api/v1/price-list?service_code={code}")
    assert resp.status_code == 200
    assert [(p["kind"], p["name"]) for p in resp.json] == [("single", "Single session"),
                                                           ("package", "10-session package")]
    assert [p["id"] for p in client.get(f"/api/v1/price-list?service_code={code}&kind=package").json] == \
        [package["id"]]


def test_only_admins_change_prices(client, tokens):
    body = {"service_code": unique_code(), "service_name": "Speech Therapy", "name": "Single session",
            "kind": "single", "unit_price": "55.00"}
    assert client.post("/api/v1/price-list", json=body).status_code == 401
    for role in ("front_desk", "biller", "therapist", "client"):
        assert client.post("/api/v1/price-list", json=body, headers=tokens.headers(role)).status_code == 403, role
    item = add_price(client, tokens, unique_code())
    resp = client.patch(f"/api/v1/price-list/{item['id']}", json={"unit_price": "1.00"},
                        headers=tokens.headers("front_desk"))
    assert resp.status_code == 403


def test_bad_price_items_name_each_field(client, tokens):
    headers = tokens.headers("admin")
    resp = client.post("/api/v1/price-list", headers=headers, json={
        "service_code": "", "service_name": "OT", "name": " ", "kind": "single", "sessions": 3,
        "unit_price": "12.345"})
    assert resp.status_code == 422
    assert {"service_code", "name", "unit_price"} <= set(resp.json["errors"])
    resp = client.post("/api/v1/price-list", headers=headers, json={
        "service_code": "OT", "service_name": "OT", "name": "Pack", "kind": "package", "unit_price": "10"})
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"sessions"}
    resp = client.post("/api/v1/price-list", headers=headers, json={
        "service_code": "OT", "service_name": "OT", "name": "One", "kind": "single", "sessions": 2,
        "unit_price": "10"})
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"sessions"}
    resp = client.post("/api/v1/price-list", headers=headers, json={
        "service_code": "OT", "service_name": "OT", "name": "One", "kind": "single", "unit_price": "-1"})
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"unit_price"}


def test_a_second_active_single_price_for_a_service_is_a_conflict_until_the_first_is_retired(client, tokens):
    code = unique_code()
    first = add_price(client, tokens, code)
    body = {"service_code": code, "service_name": "Occupational Therapy", "name": "Single session (new)",
            "kind": "single", "unit_price": "65.00"}
    resp = client.post("/api/v1/price-list", json=body, headers=tokens.headers("admin"))
    assert resp.status_code == 409 and "already has an active single-session price" in resp.json["detail"]
    client.patch(f"/api/v1/price-list/{first['id']}", json={"active": False}, headers=tokens.headers("admin"))
    assert client.post("/api/v1/price-list", json=body, headers=tokens.headers("admin")).status_code == 201
    back = client.patch(f"/api/v1/price-list/{first['id']}", json={"active": True}, headers=tokens.headers("admin"))
    assert back.status_code == 409


def test_retired_prices_are_hidden_from_families_but_not_from_admins(client, tokens):
    code = unique_code()
    item = add_price(client, tokens, code)
    resp = client.patch(f"/api/v1/price-list/{item['id']}", json={"active": False, "unit_price": "70.00",
                                                                  "name": "Old single"},
                        headers=tokens.headers("admin"))
    assert resp.status_code == 200 and resp.json["unit_price"] == "70.00" and resp.json["name"] == "Old single"
    assert client.get(f"/api/v1/price-list?service_code={code}").json == []
    assert client.get(f"/api/v1/price-list?service_code={code}&active=false",
                      headers=tokens.headers("client")).json == []
    admin_view = client.get(f"/api/v1/price-list?service_code={code}&active=false", headers=tokens.headers("admin"))
    assert [p["id"] for p in admin_view.json] == [item["id"]]


def test_patching_an_unknown_price_is_404(client, tokens):
    headers = tokens.headers("admin")
    assert client.patch(f"/api/v1/price-list/{uuid.uuid4()}", json={"active": False}, headers=headers).status_code \
        == 404
    assert client.patch("/api/v1/price-list/not-a-uuid", json={"active": False}, headers=headers).status_code == 404


def test_anyone_reads_an_offered_price_and_only_admins_a_retired_one(client, tokens):
    item = add_price(client, tokens, unique_code(), kind="package", sessions=5, unit_price="300.00")
    resp = client.get(f"/api/v1/price-list/{item['id']}")
    assert resp.status_code == 200 and resp.json == item
    client.patch(f"/api/v1/price-list/{item['id']}", json={"active": False}, headers=tokens.headers("admin"))
    assert client.get(f"/api/v1/price-list/{item['id']}").status_code == 404
    assert client.get(f"/api/v1/price-list/{item['id']}", headers=tokens.headers("front_desk")).status_code == 404
    admin = client.get(f"/api/v1/price-list/{item['id']}", headers=tokens.headers("admin"))
    assert admin.status_code == 200 and admin.json["active"] is False
    assert client.get(f"/api/v1/price-list/{uuid.uuid4()}").status_code == 404
