"""The second step of a sign-in against a stand-in gateway: a code, or setting a second factor up first (the role
requires it: the shared test system requires it of nobody, so this path is exercised here)."""
import dataclasses

import pytest
from flask import Flask, jsonify, request

from servicekit.testing.http import HttpServer

from web.app import create_app

PAIR = {"access_token": "a", "refresh_token": "r", "expires_in": 900, "token_type": "Bearer",
        "user": {"id": "u1", "email": "owner@example.org", "name": "Owner", "role": "org_admin"}}
CODES = [f"code{n}-abcde" for n in range(10)]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


class FakeGateway(HttpServer):
    """Login answering a challenge of `step`, and the second-step endpoints as the gateway answers them."""

    def __init__(self):
        self.step, self.seen_agents = "code", []
        app = Flask("fake_gateway")

        @app.post("/api/v1/auth/login")
        def login():
            self.seen_agents.append(request.headers.get("User-Agent"))
            return jsonify(second_factor=self.step, challenge=f"challenge-{self.step}", expires_in=300), 202

        @app.post("/api/v1/auth/login/second-factor")
        def second_step():
            body = request.json
            if body["challenge"] != "challenge-code":
                return jsonify(title="Unauthorized", detail="expired"), 401
            if body["code"] != "123456":
                return jsonify(title="Unprocessable Entity",
                               errors={"code": ["This code is not right (or was already used); try the next one."]}), 422
            return jsonify(PAIR)

        @app.post("/api/v1/auth/login/second-factor/enrolment")
        def enrolment():
            return jsonify(secret="JBSWY3DPEHPK3PXPJBSWY3DP", otpauth_uri="otpauth://totp/C:owner?secret=JBSWY3DP")

        @app.post("/api/v1/auth/login/second-factor/enrolment/confirm")
        def confirm():
            if request.json["code"] != "654321":
                return jsonify(title="Unprocessable Entity", errors={"code": ["wrong"]}), 422
            return jsonify({**PAIR, "recovery_codes": CODES})

        super().__init__(app)


@pytest.fixture(scope="module")
def gateway():
    with FakeGateway() as fake:
        yield fake


@pytest.fixture()
def client(settings, gateway):
    app = create_app(dataclasses.replace(settings, gateway_url=gateway.url))
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF is exercised by the browser tests
    return app.test_client()


def password_step(client):
    return client.post("/signin", data={"email": "owner@example.org", "password": "right password"},
                       headers={"User-Agent": BROWSER})


def test_a_right_password_asks_for_the_code_then_the_code_signs_in(client, gateway):
    gateway.step = "code"
    first = password_step(client)
    assert first.status_code == 302 and first.headers["Location"].endswith("/signin/code")
    assert "challenge-code" not in first.headers.get("Set-Cookie", "")  # kept server-side only
    assert gateway.seen_agents[-1] == BROWSER  # web forwards the browser's, for the list of sessions
    assert client.get("/staff/calendar").status_code == 302  # not signed in yet
    wrong = client.post("/signin/code", data={"code": "000000"})
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    right = client.post("/signin/code", data={"code": "123456"})
    assert right.status_code == 302 and right.headers["Location"].endswith("/staff/calendar")
    assert client.get("/signin/code").headers["Location"].endswith("/signin")  # nothing pending any more


def test_a_role_that_requires_it_sets_it_up_then_sees_its_recovery_codes_once(client, gateway):
    gateway.step = "enrol"
    first = password_step(client)
    assert first.headers["Location"].endswith("/signin/setup")
    page = client.get("/signin/setup").get_data(as_text=True)
    assert '<svg role="img"' in page and "JBSW Y3DP EHPK 3PXP JBSW Y3DP" in page
    assert client.post("/signin/setup", data={"code": "111111"}).status_code == 422
    done = client.post("/signin/setup", data={"code": "654321"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/security/recovery-codes")
    shown = client.get("/account/security/recovery-codes").get_data(as_text=True)
    assert all(code in shown for code in CODES)
    saved = client.post("/account/security/recovery-codes")
    assert saved.headers["Location"].endswith("/account/security")
    assert client.get("/account/security/recovery-codes").headers["Location"].endswith("/account/security")


def test_an_expired_challenge_starts_the_sign_in_again(client, gateway):
    gateway.step = "code"
    password_step(client)
    with client.session_transaction() as session:
        session["pending_sign_in"] = {**session["pending_sign_in"], "challenge": "stale"}
    answer = client.post("/signin/code", data={"code": "123456"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/signin")
    assert client.get("/signin/code").headers["Location"].endswith("/signin")
