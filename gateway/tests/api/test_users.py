"""/api/v1/users: who may create and change which accounts, and every denial."""
import uuid

from sqlalchemy import select

from gateway.models import RefreshToken

from ..helpers import bearer, email, login, make_user, outbox_events

THERAPIST_ID = str(uuid.uuid4())


def new_account(role="therapist", **extra):
    body = {"email": email(role), "name": "Amélie Laurent", "role": role, "password": "a long password"}
    if role == "therapist":
        body["therapist_id"] = THERAPIST_ID
    body.update(extra)
    return body


def test_the_owner_creates_a_therapist_account_that_can_log_in(client, db, tokens):
    body = new_account(email="Amelie.L-" + uuid.uuid4().hex[:6] + "@Example.org")
    resp = client.post("/api/v1/users", json=body, headers=tokens.headers("org_admin"))
    assert resp.status_code == 201
    created = resp.json
    assert created["email"] == body["email"].lower() and created["role"] == "therapist"
    assert created["therapist_id"] == THERAPIST_ID and created["active"] is True and created["created_at"]
    assert "password" not in created and "password_hash" not in created
    [announced] = outbox_events(db, "account.created", user_id=created["id"])
    assert announced["data"] == {"user_id": created["id"], "email": created["email"], "role": "therapist",
                                 "client_ids": []}
    assert login(client, created["email"], "a long password").status_code == 200


def test_front_desk_and_therapist_cannot_create_accounts(client, tokens):
    for role in ("front_desk", "therapist", "biller", "client"):
        resp = client.post("/api/v1/users", json=new_account(), headers=tokens.headers(role))
        assert resp.status_code == 403, role


def test_anonymous_caller_gets_401_on_users(client):
    assert client.post("/api/v1/users", json=new_account()).status_code == 401
    assert client.get("/api/v1/users").status_code == 401
    assert client.get("/api/v1/users/me").status_code == 401


def test_only_the_owner_creates_staff_accounts_an_office_manager_included(client, tokens):
    """Security finding 5: DESIGN gives staff accounts and roles to the org_admin alone."""
    for role in ("admin", "front_desk", "biller"):
        denied = client.post("/api/v1/users", json=new_account(role), headers=tokens.headers("admin"))
        assert denied.status_code == 403 and "org_admin" in denied.json["detail"], role
    allowed = client.post("/api/v1/users", json=new_account("org_admin"), headers=tokens.headers("org_admin"))
    assert allowed.status_code == 201 and allowed.json["role"] == "org_admin"


def test_an_office_manager_changes_no_staff_account_and_only_renames_or_deactivates_a_portal_one(client, db, tokens):
    staff, family = make_user(db, "front_desk"), make_user(db, "client", client_ids=[str(uuid.uuid4())])
    admin = tokens.headers("admin")
    for change in ({"name": "X"}, {"role": "admin"}, {"password": "a brand new password"}, {"active": False},
                   {"role": "no-such-role", "name": ""}):  # refused before the body is read: 403, never 422
        assert client.patch(f"/api/v1/users/{staff.id}", json=change, headers=admin).status_code == 403, change
    assert login(client, staff.email).status_code == 200  # nothing changed
    denied = client.patch(f"/api/v1/users/{family.id}", json={"password": "taken over now"}, headers=admin)
    assert denied.status_code == 403
    assert login(client, family.email, "taken over now").status_code == 401
    ok = client.patch(f"/api/v1/users/{family.id}", json={"active": False, "name": "Paused Family"}, headers=admin)
    assert ok.status_code == 200 and ok.json["active"] is False


def test_duplicate_email_is_409_whatever_its_case(client, tokens):
    body = new_account("front_desk")
    assert client.post("/api/v1/users", json=body, headers=tokens.headers("org_admin")).status_code == 201
    again = client.post("/api/v1/users", json={**body, "email": body["email"].upper()}, headers=tokens.headers("org_admin"))
    assert again.status_code == 409 and "already exists" in again.json["detail"]


def test_therapist_account_without_therapist_id_is_422_naming_it(client, db, tokens):
    body = new_account()
    del body["therapist_id"]
    resp = client.post("/api/v1/users", json=body, headers=tokens.headers("org_admin"))
    assert resp.status_code == 422 and list(resp.json["errors"]) == ["therapist_id"]
    assert outbox_events(db, "account.created", email=body["email"]) == []


def test_bad_account_fields_are_named(client, tokens):
    resp = client.post("/api/v1/users", json={"email": "not-an-email", "name": "", "role": "client",
                                              "password": "short", "therapist_id": "nope"},
                       headers=tokens.headers("org_admin"))
    assert resp.status_code == 422
    assert set(resp.json["errors"]) == {"email", "name", "role", "password", "therapist_id"}


def test_me_is_the_callers_own_account_and_404_for_an_unknown_subject(client, db, tokens):
    user = make_user(db, "client", client_ids=[str(uuid.uuid4())])
    me = client.get("/api/v1/users/me", headers=bearer(login(client, user.email).json["access_token"]))
    assert me.status_code == 200 and me.json["client_ids"] == user.client_ids
    assert client.get("/api/v1/users/me", headers=tokens.headers("admin")).status_code == 404


def test_admin_lists_accounts_filtered_by_role(client, db, tokens):
    biller = make_user(db, "biller")
    resp = client.get("/api/v1/users?role=biller&limit=200", headers=tokens.headers("admin"))
    assert resp.status_code == 200
    assert biller.id in {u["id"] for u in resp.json} and {u["role"] for u in resp.json} == {"biller"}
    by_mail = client.get(f"/api/v1/users?email={biller.email.upper()}", headers=tokens.headers("admin")).json
    assert [u["id"] for u in by_mail] == [biller.id]
    assert client.get("/api/v1/users?role=king", headers=tokens.headers("admin")).status_code == 422


def test_front_desk_lists_only_portal_accounts_and_finds_a_familys(client, db, tokens):
    child = str(uuid.uuid4())
    family = make_user(db, "client", password=None, active=False, client_ids=[child])
    make_user(db, "biller")
    desk = tokens.headers("front_desk")
    listed = client.get("/api/v1/users?limit=200", headers=desk).json
    assert {u["role"] for u in listed} == {"client"}
    assert client.get("/api/v1/users?role=biller", headers=desk).json == []
    assert [u["id"] for u in client.get(f"/api/v1/users?client_id={child}", headers=desk).json] == [family.id]


def test_therapist_and_biller_cannot_list_accounts(client, tokens):
    for role in ("therapist", "biller", "client"):
        assert client.get("/api/v1/users", headers=tokens.headers(role)).status_code == 403, role


def test_admin_reads_one_account_and_unknown_ids_are_404(client, db, tokens):
    user = make_user(db, "biller")
    admin = tokens.headers("admin")
    assert client.get(f"/api/v1/users/{user.id}", headers=admin).json["email"] == user.email
    assert client.get(f"/api/v1/users/{uuid.uuid4()}", headers=admin).status_code == 404
    assert client.get("/api/v1/users/not-a-uuid", headers=admin).status_code == 404
    assert client.patch(f"/api/v1/users/{uuid.uuid4()}", json={"name": "X"}, headers=admin).status_code == 404


def test_deactivating_an_account_ends_its_sessions(client, db, tokens):
    user = make_user(db, "front_desk")
    refresh = login(client, user.email).json["refresh_token"]
    resp = client.patch(f"/api/v1/users/{user.id}", json={"active": False, "name": "Gone Away"},
                        headers=tokens.headers("org_admin"))
    assert resp.status_code == 200 and resp.json["active"] is False and resp.json["name"] == "Gone Away"
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    assert login(client, user.email).status_code == 401


def test_the_owner_sets_a_new_password_and_old_sessions_end(client, db, tokens):
    user = make_user(db, "biller")
    refresh = login(client, user.email).json["refresh_token"]
    resp = client.patch(f"/api/v1/users/{user.id}", json={"password": "brand new password"},
                        headers=tokens.headers("org_admin"))
    assert resp.status_code == 200
    assert login(client, user.email, "brand new password").status_code == 200
    with db.transaction() as s:
        old = s.scalars(select(RefreshToken).where(RefreshToken.user_id == user.id)).all()
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    assert len([t for t in old if t.revoked_at is None]) == 1


def test_role_change_to_therapist_needs_a_therapist_id(client, db, tokens):
    user = make_user(db, "front_desk")
    owner = tokens.headers("org_admin")
    resp = client.patch(f"/api/v1/users/{user.id}", json={"role": "therapist"}, headers=owner)
    assert resp.status_code == 422 and list(resp.json["errors"]) == ["therapist_id"]
    ok = client.patch(f"/api/v1/users/{user.id}", json={"role": "therapist", "therapist_id": THERAPIST_ID},
                      headers=owner)
    assert ok.status_code == 200 and ok.json["role"] == "therapist" and ok.json["therapist_id"] == THERAPIST_ID


def test_admin_may_neither_touch_an_org_admin_nor_promote_to_org_admin(client, db, tokens):
    owner = make_user(db, "org_admin")
    staff = make_user(db, "biller")
    admin = tokens.headers("admin")
    assert client.patch(f"/api/v1/users/{owner.id}", json={"active": False}, headers=admin).status_code == 403
    assert client.patch(f"/api/v1/users/{staff.id}", json={"role": "org_admin"}, headers=admin).status_code == 403
    assert client.patch(f"/api/v1/users/{staff.id}", json={"role": "org_admin"},
                        headers=tokens.headers("org_admin")).status_code == 200


def test_a_portal_account_cannot_become_staff(client, db, tokens):
    family = make_user(db, "client", client_ids=[str(uuid.uuid4())])
    resp = client.patch(f"/api/v1/users/{family.id}", json={"role": "admin"}, headers=tokens.headers("org_admin"))
    assert resp.status_code == 422 and list(resp.json["errors"]) == ["role"]


def test_front_desk_cannot_edit_accounts(client, db, tokens):
    user = make_user(db, "biller")
    assert client.patch(f"/api/v1/users/{user.id}", json={"name": "X"},
                        headers=tokens.headers("front_desk")).status_code == 403


def test_the_staff_filter_separates_staff_from_portal_accounts(client, db, tokens):
    staff = make_user(db, "biller")
    family = make_user(db, "client", client_ids=[str(uuid.uuid4())])
    listed = client.get("/api/v1/users", query_string={"staff": "true", "limit": 200}, headers=tokens.headers("admin"))
    assert staff.email in {u["email"] for u in listed.json} and {u["role"] for u in listed.json} - {"client"}
    assert all(u["role"] != "client" for u in listed.json)
    portal = client.get("/api/v1/users", query_string={"staff": "false", "email": family.email},
                        headers=tokens.headers("admin"))
    assert [u["email"] for u in portal.json] == [family.email]
