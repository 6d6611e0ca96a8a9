"""POST /api/v1/users/me/password: a signed-in person changes their own password."""
from ..helpers import PASSWORD, bearer, login, make_user

NEW = "a brand new passphrase"


def change(client, token, current, new):
    return client.post("/api/v1/users/me/password", headers=bearer(token),
                       json={"current_password": current, "new_password": new})


def test_the_new_password_works_the_old_one_not_and_other_sessions_end(client, db):
    user = make_user(db, "front_desk")
    other_tab = login(client, user.email).json
    mine = login(client, user.email).json
    resp = change(client, mine["access_token"], PASSWORD, NEW)
    assert resp.status_code == 200 and resp.json["user"]["id"] == user.id and resp.json["refresh_token"]
    assert login(client, user.email, PASSWORD).status_code == 401
    assert login(client, user.email, NEW).status_code == 200
    ended = client.post("/api/v1/auth/refresh", json={"refresh_token": other_tab["refresh_token"]})
    assert ended.status_code == 401
    kept = client.post("/api/v1/auth/refresh", json={"refresh_token": resp.json["refresh_token"]})
    assert kept.status_code == 200


def test_a_wrong_current_password_is_a_422_naming_the_field_and_changes_nothing(client, db):
    user = make_user(db, "biller")
    token = login(client, user.email).json["access_token"]
    resp = change(client, token, "not my password", NEW)
    assert resp.status_code == 422 and "current_password" in resp.json["errors"]
    assert login(client, user.email, PASSWORD).status_code == 200


def test_a_too_short_new_password_is_refused_beside_its_field(client, db):
    user = make_user(db, "client")
    token = login(client, user.email).json["access_token"]
    resp = change(client, token, PASSWORD, "short")
    assert resp.status_code == 422 and "new_password" in resp.json["errors"]


def test_nobody_anonymous_may_change_a_password(client):
    resp = client.post("/api/v1/users/me/password", json={"current_password": PASSWORD, "new_password": NEW})
    assert resp.status_code == 401
