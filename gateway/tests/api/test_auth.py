"""Login, refresh rotation, logout and throttling through /api/v1/auth."""
import datetime as dt

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from servicekit.auth import TokenVerifier

from gateway import passwords
from gateway.models import Throttle, RefreshToken, User
from gateway.signin import ACCOUNT, ADDRESS, BAD_CREDENTIALS, PAIR

from ..helpers import PASSWORD, bearer, email, login, make_user


def test_login_returns_a_token_pair_that_services_accept(client, db, keypair, settings):
    user = make_user(db, "therapist", therapist_id="5b1f0c1e-8c57-4f0e-9a51-0a3f5e0e2a11")
    resp = login(client, user.email.upper())
    assert resp.status_code == 200
    body = resp.json
    assert body["token_type"] == "Bearer" and body["expires_in"] == settings.access_token_ttl
    assert body["user"] == {"id": user.id, "email": user.email, "name": user.name, "role": "therapist"}
    principal = TokenVerifier(keypair.public_pem, "therapy-gateway", "therapy-api").verify(body["access_token"])
    assert principal.user_id == user.id and principal.role == "therapist"
    assert principal.therapist_id == "5b1f0c1e-8c57-4f0e-9a51-0a3f5e0e2a11"
    with db.transaction() as s:
        assert s.get(User, user.id).last_login_at is not None
        stored = s.scalars(select(RefreshToken.token_hash).where(RefreshToken.user_id == user.id)).all()
    assert len(stored) == 1 and body["refresh_token"] not in stored[0]


def test_access_token_works_on_the_gateways_own_endpoints(client, db):
    user = make_user(db, "biller")
    token = login(client, user.email).json["access_token"]
    me = client.get("/api/v1/users/me", headers=bearer(token))
    assert me.status_code == 200 and me.json["id"] == user.id and me.json["role"] == "biller"


@pytest.mark.parametrize("case", ["wrong password", "unknown e-mail", "inactive account", "never activated"])
def test_every_bad_login_gets_the_same_401(client, db, case):
    address = email("bad")
    if case == "wrong password":
        make_user(db, address=address, password="another password!")
    elif case == "inactive account":
        make_user(db, address=address, active=False)
    elif case == "never activated":
        make_user(db, "client", address=address, password=None, active=False)
    resp = login(client, address)
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
    assert resp.json["detail"] == BAD_CREDENTIALS and "access_token" not in resp.json


def test_login_without_fields_is_422_naming_them(client):
    resp = client.post("/api/v1/auth/login", json={"email": ""})
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"email", "password"}


GUESSER, OWNER = "203.0.113.66", "198.51.100.20"


def test_guessing_from_one_address_brakes_that_address_but_never_locks_the_owner_out(client, db):
    """Security finding 6: ten wrong passwords locked any account, the owner's right password refused."""
    user = make_user(db, "org_admin")
    for _ in range(PAIR.free):
        assert login(client, user.email, "wrong guess!", GUESSER).status_code == 401
    assert login(client, user.email, "wrong guess!", GUESSER).status_code == 401  # counted; now braked 1 s
    braked = login(client, user.email, source=GUESSER)
    assert braked.status_code == 429 and braked.mimetype == "application/problem+json"
    assert 0 < int(braked.headers["Retry-After"]) <= 2
    assert login(client, user.email, source=OWNER).status_code == 200  # the owner, elsewhere, is not slowed


def test_delays_grow_with_each_failure_up_to_a_ceiling_and_spread_guessing_waits_a_minute_at_most():
    assert [PAIR.delay(n).total_seconds() for n in range(5, 10)] == [0, 1, 2, 4, 8]
    assert PAIR.delay(40) == ADDRESS.delay(100) == dt.timedelta(minutes=15)
    assert ACCOUNT.delay(51) == dt.timedelta(seconds=1) and ACCOUNT.delay(500) == dt.timedelta(minutes=1)


def test_one_address_trying_many_accounts_is_braked_on_every_account(client, db):
    source = "203.0.113.77"
    for n in range(ADDRESS.free + 1):
        assert login(client, email(f"nobody{n}"), "wrong guess!", source).status_code == 401
    user = make_user(db)
    assert login(client, user.email, source=source).status_code == 429
    assert login(client, user.email).status_code == 200  # from anywhere else


def test_a_braked_try_hashes_no_password(client, db, monkeypatch):
    user = make_user(db)
    for _ in range(PAIR.free + 1):
        login(client, user.email, "wrong guess!", GUESSER + "1")
    monkeypatch.setattr(passwords, "verify", lambda *a: pytest.fail("hashed a braked login"))
    monkeypatch.setattr(passwords, "verify_decoy", lambda *a: pytest.fail("hashed a braked login"))
    assert login(client, user.email, source=GUESSER + "1").status_code == 429


def test_failures_older_than_the_window_no_longer_count(client, db):
    user = make_user(db)
    for _ in range(PAIR.free + 1):
        login(client, user.email, "wrong guess!", GUESSER)
    with db.transaction() as s:
        s.execute(update(Throttle).where(Throttle.key.like(f"%{user.email}"))
                  .values(window_start=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=61)))
    assert login(client, user.email, source=GUESSER).status_code == 200


def test_a_successful_login_clears_the_count_of_that_account_from_that_address(client, db):
    user = make_user(db)
    for _ in range(PAIR.free):
        login(client, user.email, "wrong guess!", GUESSER)
    assert login(client, user.email, source=GUESSER).status_code == 200
    with db.transaction() as s:
        assert s.get(Throttle, f"pair:{GUESSER}|{user.email}") is None
        assert s.get(Throttle, f"account:{user.email}").count == PAIR.free  # the others remember


def test_a_login_that_gets_no_hashing_turn_is_503_with_retry_after_not_a_queue(client, db, monkeypatch):
    """Bounded CPU for anonymous logins: a process hashes LOGIN_CONCURRENCY passwords at a time."""
    user = make_user(db)
    monkeypatch.setattr(passwords, "HASH_WAIT_SECONDS", 0.05)
    assert passwords._turns.acquire(timeout=5)
    try:
        resp = login(client, user.email)
    finally:
        passwords._turns.release()
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "2"
    assert login(client, user.email).status_code == 200


def test_login_upgrades_a_hash_made_with_weaker_parameters(client, db):
    user = make_user(db)
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    with db.transaction() as s:
        s.get(User, user.id).password_hash = weak
    assert login(client, user.email).status_code == 200
    with db.transaction() as s:
        upgraded = s.get(User, user.id).password_hash
    assert upgraded != weak and upgraded.startswith("$argon2id$")
    assert login(client, user.email).status_code == 200


def test_refresh_rotates_the_refresh_token(client, db):
    user = make_user(db)
    first = login(client, user.email).json
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"] and second.json["user"]["id"] == user.id
    third = client.post("/api/v1/auth/refresh", json={"refresh_token": second.json["refresh_token"]})
    assert third.status_code == 200


def test_reusing_a_rotated_refresh_token_closes_the_whole_session(client, db):
    user = make_user(db)
    stolen = login(client, user.email).json["refresh_token"]
    current = client.post("/api/v1/auth/refresh", json={"refresh_token": stolen}).json["refresh_token"]
    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": stolen})
    assert reuse.status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": current}).status_code == 401
    with db.transaction() as s:
        assert all(t.revoked_at for t in s.scalars(select(RefreshToken).where(RefreshToken.user_id == user.id)))


def test_other_sessions_survive_a_reuse_in_one_session(client, db):
    user = make_user(db)
    laptop = login(client, user.email).json["refresh_token"]
    phone = login(client, user.email).json["refresh_token"]
    client.post("/api/v1/auth/refresh", json={"refresh_token": laptop})
    client.post("/api/v1/auth/refresh", json={"refresh_token": laptop})
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": phone}).status_code == 200


def test_unknown_or_expired_refresh_token_is_401(client, db):
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": "made-up"}).status_code == 401
    user = make_user(db)
    token = login(client, user.email).json["refresh_token"]
    with db.transaction() as s:
        s.execute(update(RefreshToken).where(RefreshToken.user_id == user.id)
                  .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": token}).status_code == 401


def test_refresh_for_a_deactivated_account_is_401(client, db):
    user = make_user(db)
    token = login(client, user.email).json["refresh_token"]
    with db.transaction() as s:
        s.get(User, user.id).active = False
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": token}).status_code == 401


def test_logout_revokes_the_refresh_token(client, db):
    user = make_user(db)
    token = login(client, user.email).json["refresh_token"]
    resp = client.post("/api/v1/auth/logout", json={"refresh_token": token})
    assert resp.status_code == 204 and resp.data == b""
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": token}).status_code == 401
    assert client.post("/api/v1/auth/logout", json={"refresh_token": token}).status_code == 204
    assert client.post("/api/v1/auth/logout", json={}).status_code == 422
