"""Server-side sessions on PostgreSQL, against a real HTTP server standing in for the gateway's /auth/refresh."""
import dataclasses
import datetime as dt
import threading
import uuid

import pytest
from flask import Flask, jsonify, request
from sqlalchemy import update
from werkzeug.serving import make_server

from servicekit.db import Database, utcnow

from web.gateway import Gateway, SignInRequired
from web.models import WebSession
from web.sessions import SessionStore


class FakeAuth:
    """/api/v1/auth/refresh that rotates like the gateway: an old refresh token coming back is refused."""

    def __init__(self):
        self.calls, self.valid, self.lock = 0, set(), threading.Lock()
        app = Flask("fake_gateway")

        @app.post("/api/v1/auth/refresh")
        def refresh():
            with self.lock:
                self.calls += 1
                token = request.json["refresh_token"]
                if token not in self.valid:
                    return jsonify(title="Unauthorized", detail="reused"), 401
                self.valid.discard(token)
                fresh = f"refresh-{uuid.uuid4().hex}"
                self.valid.add(fresh)
            threading.Event().wait(0.2)  # a slow answer widens the window two requests could race in
            return jsonify(access_token=f"access-{uuid.uuid4().hex}", refresh_token=fresh, expires_in=900,
                           token_type="Bearer")

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def issue(self):
        token = f"refresh-{uuid.uuid4().hex}"
        self.valid.add(token)
        return token


@pytest.fixture(scope="module")
def auth():
    fake = FakeAuth()
    yield fake
    fake.server.shutdown()


@pytest.fixture(scope="module")
def store(settings):
    db = Database(settings.database_url, "web")
    yield SessionStore(db, dt.timedelta(hours=12))
    db.dispose()


@pytest.fixture(scope="module")
def gateway(auth):
    return Gateway(auth.url, timeout=5, connect_timeout=2)


def signed_in(store, auth, *, expires_in=900):
    pair = {"access_token": f"access-{uuid.uuid4().hex}", "refresh_token": auth.issue(), "expires_in": expires_in,
            "user": {"id": str(uuid.uuid4()), "email": "desk@example.org", "name": "Desk", "role": "front_desk"}}
    cookie = store.create({"locale": "fr"}, pair)
    return cookie, pair


def key_of(store, cookie):
    return store.load(cookie).id


def test_a_fresh_token_is_used_as_is_without_calling_the_gateway(store, auth, gateway):
    cookie, pair = signed_in(store, auth)
    before = auth.calls
    assert store.access_token(key_of(store, cookie), gateway) == pair["access_token"]
    assert auth.calls == before


def test_two_requests_refreshing_at_once_refresh_once_and_both_get_the_new_token(store, auth, gateway):
    cookie, pair = signed_in(store, auth, expires_in=5)  # inside the refresh margin
    key, before, got = key_of(store, cookie), auth.calls, []
    threads = [threading.Thread(target=lambda: got.append(store.access_token(key, gateway))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert auth.calls - before == 1
    assert len(got) == 4 and len(set(got)) == 1 and got[0] != pair["access_token"]


def test_a_token_the_gateway_refused_is_refreshed_unless_another_request_already_did(store, auth, gateway):
    cookie, pair = signed_in(store, auth)
    key, before = key_of(store, cookie), auth.calls
    renewed = store.access_token(key, gateway, stale=pair["access_token"])
    assert renewed != pair["access_token"] and auth.calls - before == 1
    assert store.access_token(key, gateway, stale=pair["access_token"]) == renewed  # the late one reads it
    assert auth.calls - before == 1


def test_a_refused_refresh_ends_the_signed_in_part_of_the_session(store, auth, gateway):
    cookie, pair = signed_in(store, auth, expires_in=5)
    auth.valid.discard(pair["refresh_token"])  # revoked at the gateway (reuse, logout elsewhere)
    with pytest.raises(SignInRequired):
        store.access_token(key_of(store, cookie), gateway)
    row = store.load(cookie)
    assert row.access_token is None and row.refresh_token is None


def test_an_idle_session_is_forgotten(store, auth):
    cookie, _ = signed_in(store, auth)
    with store.db.transaction() as s:
        s.execute(update(WebSession).where(WebSession.id == key_of(store, cookie))
                  .values(last_seen_at=utcnow() - dt.timedelta(hours=13)))
    assert store.load(cookie) is None


def test_the_cookie_value_is_not_stored_only_its_hash(store, auth):
    cookie, _ = signed_in(store, auth)
    with store.db.transaction() as s:
        assert s.get(WebSession, cookie) is None
        assert s.get(WebSession, key_of(store, cookie)).user_id
