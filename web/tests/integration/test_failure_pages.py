"""What a person sees when the gateway fails: a page in their language with the request id, never JSON."""
import dataclasses
import threading

import pytest
from flask import Flask, jsonify
from werkzeug.serving import make_server

from servicekit.testing.infra import free_port

from web.app import create_app


class FakeGateway:
    """Answers /api/v1/auth/login with whatever status the test sets (problem+json)."""

    def __init__(self):
        self.status = 503
        app = Flask("fake_gateway")

        @app.post("/api/v1/auth/login")
        def login():
            if self.status == 200:
                return jsonify(access_token="a", refresh_token="r", expires_in=900, token_type="Bearer",
                               user={"id": "u", "email": "x@example.org", "name": "X", "role": "front_desk"})
            return jsonify(title="Service Unavailable", detail="The gateway is unwell.",
                           request_id="upstream-req-1"), self.status, {"Content-Type": "application/problem+json"}

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def gateway():
    fake = FakeGateway()
    yield fake
    fake.server.shutdown()


@pytest.fixture()
def client(settings, gateway):
    app = create_app(dataclasses.replace(settings, gateway_url=gateway.url))
    app.config["WTF_CSRF_ENABLED"] = False  # the forms' CSRF is tested in the browser; here the failures
    return app.test_client()


def sign_in(client, language="en"):
    return client.post("/signin", data={"email": "x@example.org", "password": "secret"},
                       headers={"Accept-Language": language})


def test_a_gateway_that_fails_gives_the_try_again_page_with_the_request_id(client, gateway):
    gateway.status = 503
    resp = sign_in(client)
    assert resp.status_code == 503 and resp.mimetype == "text/html"
    assert "Please try again" in resp.text and "upstream-req-1" in resp.text
    assert "Traceback" not in resp.text and "problem+json" not in resp.text


def test_the_try_again_page_speaks_french_to_a_french_browser(client, gateway):
    gateway.status = 502
    resp = sign_in(client, "fr-FR,fr;q=0.9")
    assert resp.status_code == 503 and "Veuillez réessayer" in resp.text


def test_a_gateway_nobody_answers_on_is_the_same_page(settings):
    app = create_app(dataclasses.replace(settings, gateway_url=f"http://127.0.0.1:{free_port()}"))
    app.config["WTF_CSRF_ENABLED"] = False
    resp = sign_in(app.test_client())
    assert resp.status_code == 503 and "Please try again" in resp.text


def test_for_htmx_the_failure_goes_into_the_alert_area_not_over_the_page(client, gateway):
    gateway.status = 504
    resp = client.post("/signin", data={"email": "x@example.org", "password": "secret"},
                       headers={"HX-Request": "true"})
    assert resp.status_code == 503 and resp.headers["HX-Retarget"] == "#alerts"
    assert resp.text.lstrip().startswith("<div class=\"alert")


def test_a_signed_in_session_sends_every_security_header_and_no_token(client, gateway):
    gateway.status = 200
    resp = sign_in(client)
    assert resp.status_code == 302 and resp.headers["Location"] == "/staff/calendar"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/account/password")
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Cache-Control"] == "no-store"
    assert "access_token" not in page.text and '"a"' not in cookie


def test_over_https_the_cookie_is_secure_and_bound_to_this_origin(settings, gateway):
    gateway.status = 200
    app = create_app(dataclasses.replace(settings, gateway_url=gateway.url,
                                         public_base_url="https://centre.example"))
    app.config["WTF_CSRF_ENABLED"] = False
    cookie = sign_in(app.test_client()).headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "Domain" not in cookie
