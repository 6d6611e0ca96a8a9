"""CRM API: the front desk's views, the family's own records, and every denial."""
import base64
import uuid

from servicekit.messaging.consumer import apply_event

from crm.handlers import handlers

from ..helpers import booked, outbox_events


def book(db):
    env = booked()
    apply_event(db, "crm", handlers, env)
    return env


def test_front_desk_finds_the_opportunity_of_a_booking(client, db, tokens):
    env = book(db)
    resp = client.get(f"/api/v1/opportunities?appointment_id={env.data['appointment_id']}",
                      headers=tokens.headers("front_desk"))
    assert resp.status_code == 200
    [opp] = resp.json
    assert opp["stage"] == "new" and opp["client_name"].startswith("Lina ")
    assert client.get(f"/api/v1/opportunities/{opp['id']}", headers=tokens.headers("admin")).json["id"] == opp["id"]


def test_anonymous_caller_gets_401_on_opportunities_and_clients(client):
    assert client.get("/api/v1/opportunities").status_code == 401
    assert client.get("/api/v1/clients").status_code == 401


def test_therapist_and_biller_get_403_on_opportunities(client, tokens):
    for role in ("therapist", "biller", "client"):
        resp = client.get("/api/v1/opportunities", headers=tokens.headers(role))
        assert resp.status_code == 403, role
        assert resp.mimetype == "application/problem+json"


def test_unknown_opportunity_is_404_and_bad_filter_is_422(client, tokens):
    headers = tokens.headers("front_desk")
    assert client.get(f"/api/v1/opportunities/{uuid.uuid4()}", headers=headers).status_code == 404
    resp = client.get("/api/v1/opportunities?appointment_id=nope&stage=maybe", headers=headers)
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"appointment_id", "stage"}


def test_marking_a_won_opportunity_lost_is_a_conflict(client, db, tokens):
    env = book(db)
    headers = tokens.headers("front_desk")
    [opp] = client.get(f"/api/v1/opportunities?appointment_id={env.data['appointment_id']}", headers=headers).json
    lost = client.post(f"/api/v1/opportunities/{opp['id']}/lost", json={"reason": "moved away"}, headers=headers)
    assert lost.status_code == 200 and lost.json["stage"] == "lost"
    again = client.post(f"/api/v1/opportunities/{opp['id']}/lost", json={"reason": "x"}, headers=headers)
    assert again.status_code == 409


def test_front_desk_creates_a_client_and_the_event_carries_the_guardians(client, db, tokens):
    body = {"first_name": "Zoe", "last_name": "Bernard", "birth_date": "2020-01-05",
            "guardians": [{"first_name": "Paul", "last_name": "Bernard", "email": "Paul.B@example.org"}]}
    resp = client.post("/api/v1/clients", json=body, headers=tokens.headers("front_desk"))
    assert resp.status_code == 201 and resp.json["status"] == "prospect"
    assert [g["email"] for g in resp.json["guardians"]] == ["paul.b@example.org"]  # listed once
    [created] = outbox_events(db, "client.created", client_id=resp.json["id"])
    assert created["data"]["guardians"][0]["email"] == "paul.b@example.org"


def test_client_creation_names_every_bad_field_and_writes_nothing(client, db, tokens):
    before = outbox_events(db, "client.created")
    resp = client.post("/api/v1/clients", json={"first_name": "", "birth_date": "31/12/2020",
                                                 "guardians": [{"first_name": "A", "email": "not-an-email"}]},
                       headers=tokens.headers("front_desk"))
    assert resp.status_code == 422
    assert {"first_name", "last_name", "birth_date", "guardians.0.last_name", "guardians.0.email"} <= set(
        resp.json["errors"])
    assert len(outbox_events(db, "client.created")) == len(before)


def test_portal_family_sees_only_its_own_clients(client, db, tokens):
    mine, other = book(db), book(db)
    headers = tokens.headers("front_desk")
    my_id = client.get(f"/api/v1/opportunities?appointment_id={mine.data['appointment_id']}",
                       headers=headers).json[0]["client_id"]
    other_id = client.get(f"/api/v1/opportunities?appointment_id={other.data['appointment_id']}",
                          headers=headers).json[0]["client_id"]
    family = tokens.headers("client", client_ids=[my_id])
    assert client.get(f"/api/v1/clients/{my_id}", headers=family).status_code == 200
    assert client.get(f"/api/v1/clients/{other_id}", headers=family).status_code == 403
    assert [c["id"] for c in client.get("/api/v1/clients", headers=family).json] == [my_id]
    assert client.patch(f"/api/v1/clients/{my_id}", json={"status": "inactive"}, headers=family).status_code == 403


def test_therapist_cannot_browse_clients(client, tokens):
    assert client.get("/api/v1/clients", headers=tokens.headers("therapist")).status_code == 403


def test_front_desk_can_inactivate_a_client_but_not_invent_a_status(client, db, tokens):
    env = book(db)
    headers = tokens.headers("front_desk")
    cid = client.get(f"/api/v1/opportunities?appointment_id={env.data['appointment_id']}",
                     headers=headers).json[0]["client_id"]
    assert client.patch(f"/api/v1/clients/{cid}", json={"status": "archived"}, headers=headers).status_code == 422
    resp = client.patch(f"/api/v1/clients/{cid}", json={"status": "inactive"}, headers=headers)
    assert resp.status_code == 200 and resp.json["status"] == "inactive"
    assert outbox_events(db, "client.updated", client_id=cid)[-1]["data"]["status"] == "inactive"


def test_client_list_is_paginated_with_a_next_cursor(client, db, tokens):
    for _ in range(3):
        book(db)
    headers = tokens.headers("biller")
    first = client.get("/api/v1/clients?limit=2", headers=headers)
    assert len(first.json) == 2 and first.headers["X-Next-Cursor"]
    second = client.get(f"/api/v1/clients?limit=2&cursor={first.headers['X-Next-Cursor']}", headers=headers)
    assert second.status_code == 200 and {c["id"] for c in second.json}.isdisjoint({c["id"] for c in first.json})
    assert client.get("/api/v1/clients?cursor=%%%", headers=headers).status_code == 422


def _create_family(client, tokens, first, last, guardian):
    body = {"first_name": first, "last_name": last, "guardians": [guardian]}
    resp = client.post("/api/v1/clients", json=body, headers=tokens.headers("front_desk"))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def test_the_search_finds_a_client_by_its_name_or_a_guardians_name_email_or_phone(client, tokens):
    tag = uuid.uuid4().hex[:8]
    wanted = _create_family(client, tokens, "Inès", f"Search{tag}", {
        "first_name": "Camille", "last_name": f"Parent{tag}", "email": f"camille-{tag}@example.org",
        "phone": "+33 6 12 34 56 78"})
    other = _create_family(client, tokens, "Hugo", f"Other{tag}", {
        "first_name": "Noah", "last_name": f"Else{tag}", "email": f"noah-{tag}@example.org",
        "phone": "+33 7 00 00 00 01"})

    def found(text):
        return [c["id"] for c in client.get("/api/v1/clients", query_string={"q": text, "limit": 200},
                                             headers=tokens.headers("biller")).json]

    assert found(f"inès search{tag}") == [wanted]
    assert found(f"camille PARENT{tag}") == [wanted]
    assert found(f"Camille-{tag}@EXAMPLE.org") == [wanted]
    assert wanted in found("6.12.34.56.78") and other not in found("6.12.34.56.78")
    assert wanted in found("+33 6 12 34 56 78")
    assert sorted(found(f"{tag}@example.org")) == sorted([wanted, other])
    assert found(f"nobody{tag}") == []
    # `%` and `_` are letters typed, not wildcards: "_" is no "any character", "%" no "anything".
    assert found(f"Search{tag[:4]}_{tag[5:]}") == [] and found(f"Search{tag[:3]}%{tag[6:]}") == []
    assert found(f"camille_{tag}") == [] and found(f"camille-{tag}") == [wanted]


def test_the_next_page_link_of_a_search_in_any_alphabet_is_a_valid_header(client, tokens):
    """Security finding 8: `q=Dvořák` with more rows than `limit` answered 500 (a header is Latin-1, no CR/LF)."""
    tag = uuid.uuid4().hex[:8]
    for first in ("Ana", "Ivo"):
        _create_family(client, tokens, first, f"Dvořák{tag}", {
            "first_name": "Jana", "last_name": f"Dvořák{tag}", "email": f"{first}-{tag}@example.org"})
    resp = client.get("/api/v1/clients", query_string={"q": f"Dvořák{tag}", "limit": 1},
                      headers=tokens.headers("front_desk"))
    assert resp.status_code == 200 and len(resp.json) == 1
    link = resp.headers["Link"]
    assert link.isascii() and f"q=Dvo%C5%99%C3%A1k{tag}" in link and "\n" not in link
    following = link[link.index("<") + 1:link.index(">")]
    assert len(client.get(following, headers=tokens.headers("front_desk")).json) == 1


def test_a_cursor_beyond_any_page_is_refused_not_a_database_error(client, tokens):
    huge = base64.urlsafe_b64encode(str(10**30).encode()).decode()
    resp = client.get(f"/api/v1/clients?cursor={huge}", headers=tokens.headers("front_desk"))
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"cursor"}


def test_fewer_than_four_digits_are_not_read_as_a_phone_number(client, tokens):
    tag = uuid.uuid4().hex[:8].replace("0", "z")  # no "098" in the names or e-mail by chance
    family = _create_family(client, tokens, "Léo", f"Digits{tag}", {
        "first_name": "Sam", "last_name": f"Digits{tag}", "email": f"sam-{tag}@example.org", "phone": "09 87"})
    headers = tokens.headers("front_desk")
    assert family in [c["id"] for c in client.get("/api/v1/clients?q=0987&limit=200", headers=headers).json]
    assert family not in [c["id"] for c in client.get("/api/v1/clients?q=098&limit=200", headers=headers).json]
    too_long = client.get("/api/v1/clients", query_string={"q": "x" * 101}, headers=headers)
    assert too_long.status_code == 422 and set(too_long.json["errors"]) == {"q"}
