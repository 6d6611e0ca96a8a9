"""Logout, a new password, a new role, deactivation: the access tokens signed before stop working at once.

Security review: access tokens kept working after logout, password change or deactivation until they expired.
Every request reaches the services through the gateway, which refuses them (401) from that moment; the person's
other sessions refresh into new tokens.
"""
import dataclasses
import uuid

import pytest

from gateway.app import create_app
from gateway.revocations import ENDED

from ..helpers import PASSWORD, bearer, login, make_user

PROXIED = "/api/v1/appointments"  # forwarded to booking (nobody listens here: a valid token gets a 503)


def signed_in(client, user, password=None):
    pair = login(client, user.email, password) if password else login(client, user.email)
    assert pair.status_code == 200
    return pair.json


def refused(client, access_token, path="/api/v1/users/me"):
    resp = client.get(path, headers=bearer(access_token))
    return resp.status_code == 401 and resp.json["detail"] == ENDED


def test_after_logout_that_sessions_access_token_is_refused_and_another_session_refreshes(client, db):
    user = make_user(db, "front_desk")
    first, second = signed_in(client, user), signed_in(client, user)
    assert client.get("/api/v1/users/me", headers=bearer(first["access_token"])).status_code == 200
    assert client.post("/api/v1/auth/logout", json={"refresh_token": first["refresh_token"]}).status_code == 204
    assert refused(client, first["access_token"]) and refused(client, first["access_token"], PROXIED)
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]},
                          headers=bearer(second["access_token"]))  # an ended token never blocks /auth itself
    assert renewed.status_code == 200  # the other session goes on, with a token signed after the logout
    assert client.get("/api/v1/users/me", headers=bearer(renewed.json["access_token"])).status_code == 200


def test_an_ended_token_is_a_401_before_anything_reads_the_request(client, db):
    user = make_user(db, "front_desk")
    session = signed_in(client, user)
    client.post("/api/v1/auth/logout", json={"refresh_token": session["refresh_token"]})
    resp = client.post("/api/v1/users/me/password", data='{"current_password": "a\\u0000"}',
                       content_type="application/json", headers=bearer(session["access_token"]))
    assert resp.status_code == 401 and resp.json["detail"] == ENDED  # not a 422 about the body


def test_a_new_password_ends_every_earlier_access_token(client, db):
    user = make_user(db, "biller")
    other = signed_in(client, user)
    mine = signed_in(client, user)
    changed = client.post("/api/v1/users/me/password", headers=bearer(mine["access_token"]),
                          json={"current_password": PASSWORD, "new_password": "a new long password"})
    assert changed.status_code == 200
    assert refused(client, other["access_token"]) and refused(client, mine["access_token"])
    assert client.get("/api/v1/users/me", headers=bearer(changed.json["access_token"])).status_code == 200


def test_a_new_role_ends_the_tokens_carrying_the_old_one_and_a_refresh_brings_the_new(client, db, tokens):
    user = make_user(db, "front_desk")
    session = signed_in(client, user)
    owner = tokens.headers("org_admin")
    assert client.patch(f"/api/v1/users/{user.id}", json={"role": "biller"}, headers=owner).status_code == 200
    assert refused(client, session["access_token"], PROXIED)
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})
    assert renewed.status_code == 200 and renewed.json["user"]["role"] == "biller"


def test_deactivation_ends_access_and_sessions(client, db, tokens):
    user = make_user(db, "therapist", therapist_id="5b1f0c1e-8c57-4f0e-9a51-0a3f5e0e2a11")
    session = signed_in(client, user)
    assert client.patch(f"/api/v1/users/{user.id}", json={"active": False},
                        headers=tokens.headers("org_admin")).status_code == 200
    assert refused(client, session["access_token"], PROXIED)
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401


def test_the_owner_signs_a_person_out_everywhere_and_nobody_else_may(client, db, tokens):
    user = make_user(db, "biller")
    session = signed_in(client, user)
    for role in ("admin", "front_desk", "biller"):
        assert client.post(f"/api/v1/users/{user.id}/sessions/end", headers=tokens.headers(role)).status_code == 403
    assert client.post(f"/api/v1/users/{user.id}/sessions/end").status_code == 401
    assert client.get("/api/v1/users/me", headers=bearer(session["access_token"])).status_code == 200
    ended = client.post(f"/api/v1/users/{user.id}/sessions/end", headers=tokens.headers("org_admin"))
    assert ended.status_code == 204
    assert refused(client, session["access_token"])
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401
    assert login(client, user.email).status_code == 200  # the account itself stays: they sign in again
    assert client.post(f"/api/v1/users/{uuid.uuid4()}/sessions/end",
                       headers=tokens.headers("org_admin")).status_code == 404


@pytest.fixture()
def other_process(settings):
    """A second gateway process on the same database (another gunicorn worker or replica)."""
    app = create_app(dataclasses.replace(settings, revocation_refresh_seconds=0))
    yield app.test_client()
    app.extensions["servicekit.db"].dispose()


def test_a_logout_in_one_gateway_process_is_refused_by_the_others(client, db, other_process):
    user = make_user(db, "front_desk")
    session = signed_in(client, user)
    assert other_process.get("/api/v1/users/me", headers=bearer(session["access_token"])).status_code == 200
    client.post("/api/v1/auth/logout", json={"refresh_token": session["refresh_token"]})
    assert refused(other_process, session["access_token"])
