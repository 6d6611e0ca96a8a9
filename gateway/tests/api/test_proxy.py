"""Routing /api/v1/<resource> to the owning service: a real upstream server stands in for booking."""
import dataclasses

import pytest

from gateway.config import SERVICES

from servicekit.testing.infra import free_port

from ..helpers import BrokenService, FakeService


@pytest.fixture(scope="module")
def booking():
    with FakeService() as service:
        yield service


@pytest.fixture(scope="module")
def settings(spec, make_settings, keypair, booking):
    """Booking answers; every other service is a port nobody listens on."""
    base = make_settings(spec, jwt_private_key=keypair.private_pem)
    down = {f"{s}_url": f"http://127.0.0.1:{free_port()}" for s in (*SERVICES, "web") if s != "booking"}
    return dataclasses.replace(base, booking_url=booking.url, **down)


def test_request_is_forwarded_unchanged_and_the_answer_comes_back(client, tokens):
    auth = tokens.headers("front_desk")
    resp = client.post("/api/v1/appointments/abc%20def/confirm?x=1&y=%C3%A9", data=b'{"reason": "ok"}',
                       headers={**auth, "Content-Type": "application/json", "X-Request-ID": "trace-123",
                                "X-Forwarded-For": "203.0.113.7", "Connection": "close, X-Hop", "X-Hop": "1",
                                "Keep-Alive": "timeout=5", "Proxy-Authorization": "Basic eDp5"})
    assert resp.status_code == 201 and resp.headers["X-Request-ID"] == "trace-123"
    assert resp.headers["X-Next-Cursor"] == "page-2" and resp.mimetype == "application/json"
    seen = resp.json
    assert seen["method"] == "POST" and seen["path"] == "/api/v1/appointments/abc def/confirm"
    assert seen["query"] == "x=1&y=%C3%A9" and seen["body"] == '{"reason": "ok"}'
    headers = seen["headers"]
    assert headers["Authorization"] == auth["Authorization"] and headers["X-Request-Id"] == "trace-123"
    assert headers["X-Forwarded-For"] == "203.0.113.7, 127.0.0.1"
    assert headers["X-Forwarded-Proto"] == "http" and headers["X-Forwarded-Host"] == "localhost"
    assert headers["Content-Type"] == "application/json" and headers["Content-Length"] == "16"
    assert not {"Connection", "X-Hop", "Keep-Alive", "Proxy-Authorization"} & set(headers)


def test_each_request_gets_a_request_id_when_the_caller_sent_none_or_a_bad_one(client):
    resp = client.get("/api/v1/slots?service_code=OT", headers={"X-Request-ID": "bad id with spaces"})
    assert resp.status_code == 200
    sent = resp.json["headers"]["X-Request-Id"]
    assert sent != "bad id with spaces" and resp.headers["X-Request-ID"] == sent


def test_the_bare_resource_path_is_forwarded_too(client):
    resp = client.get("/api/v1/therapists")
    assert resp.status_code == 200 and resp.json["path"] == "/api/v1/therapists"


def test_public_quotation_pages_go_to_sales(client):
    resp = client.get("/q/some-share-token")
    assert resp.status_code == 503 and "sales" in resp.json["detail"]


def test_a_service_that_is_down_is_a_503_problem_with_retry_after(client, tokens):
    resp = client.get("/api/v1/clients", headers=tokens.headers("front_desk"))
    assert resp.status_code == 503 and resp.mimetype == "application/problem+json"
    assert resp.json["detail"] == "The crm service is unavailable; retry shortly."
    assert int(resp.headers["Retry-After"]) > 0


def test_a_service_slower_than_the_timeout_is_a_504_problem(spec, settings):
    impatient = spec.create_app(dataclasses.replace(settings, upstream_timeout=0.5))
    try:
        resp = impatient.test_client().get("/api/v1/appointments/slow")
    finally:
        impatient.extensions["servicekit.db"].dispose()
    assert resp.status_code == 504 and resp.mimetype == "application/problem+json"
    assert resp.json["detail"] == "The booking service did not answer in time."


def test_a_service_answering_garbage_is_a_502_problem(spec, settings):
    with BrokenService() as broken:
        confused = spec.create_app(dataclasses.replace(settings, sales_url=broken.url))
        try:
            resp = confused.test_client().post("/api/v1/quotations", json={})
        finally:
            confused.extensions["servicekit.db"].dispose()
    assert resp.status_code == 502 and resp.mimetype == "application/problem+json"
    assert resp.json["detail"] == "The sales service sent an invalid response."


def test_dot_segments_cannot_leave_the_resource(client):
    for path in ("/api/v1/appointments/../../metrics", "/api/v1/appointments/%2E%2E/%2e%2e/metrics"):
        assert client.get(path).status_code == 404, path


def test_unknown_resource_is_a_404_problem(client):
    for path in ("/api/v1/no-such-thing", "/api/v1/appointmentsx/1", "/api/v1/"):
        resp = client.get(path)
        assert resp.status_code == 404 and resp.mimetype == "application/problem+json", path


def test_gateway_routes_are_not_forwarded(client):
    assert client.delete("/api/v1/auth/login").status_code == 405
    assert client.get("/api/v1/auth/nothing-here").status_code == 404


def test_an_invalid_token_is_refused_at_the_gateway(client):
    resp = client.get("/api/v1/appointments", headers={"Authorization": "Bearer not-a-jwt"})
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"


def test_merged_openapi_has_the_gateway_and_the_upstream_paths(client, booking):
    fetched = booking.openapi_requests
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.json
    assert {"/api/v1/auth/login", "/api/v1/users", "/api/v1/appointments"} <= set(doc["paths"])
    assert set(doc["x-unavailable"]) == set(SERVICES) - {"booking"}
    assert doc["components"]["schemas"]["booking.Error"]["properties"] == {"booking_only": {"type": "string"}}
    ref = doc["paths"]["/api/v1/appointments"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref == {"$ref": "#/components/schemas/booking.Error"}
    assert client.get("/api/v1/openapi.json").json == doc
    assert booking.openapi_requests == fetched + 1  # the second answer came from the cache


def test_health_endpoints_are_the_shared_ones(client):
    assert client.get("/healthz").json == {"status": "ok", "service": "gateway"}


def test_pages_go_to_web_so_the_browser_sees_one_origin(spec, make_settings, keypair):
    with FakeService() as web:
        base = make_settings(spec, jwt_private_key=keypair.private_pem)
        client = spec.create_app(dataclasses.replace(base, web_url=web.url)).test_client()
        home = client.get("/")
        assert home.status_code == 200 and home.json["path"] == "/"
        page = client.post("/staff/calendar?date=2026-12-01", data=b"csrf_token=x",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert page.json["path"] == "/staff/calendar" and page.json["query"] == "date=2026-12-01"
        assert page.json["headers"]["X-Forwarded-Host"] == "localhost"
        static = client.get("/static/app.js")  # the pages' own files go to web too (the fake has none: its 404)
        assert static.status_code == 404 and static.mimetype == "text/html"


def test_one_visitors_cookie_never_reaches_another_visitors_request(spec, make_settings, keypair):
    with FakeService() as web:
        base = make_settings(spec, jwt_private_key=keypair.private_pem)
        app = spec.create_app(dataclasses.replace(base, web_url=web.url))
        first = app.test_client().get("/staff/set-cookie")
        assert "therapy_session=first-visitor" in first.headers["Set-Cookie"]
        stranger = app.test_client()  # another browser, through the same pooled upstream connection
        assert "Cookie" not in stranger.get("/staff/calendar").json["headers"]


def test_an_unknown_api_path_stays_a_json_404_and_never_reaches_web(client):
    resp = client.get("/api/v1/no-such-resource")
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
    assert client.get("/api").status_code == 404


def test_when_web_is_down_a_browser_gets_a_page_in_both_languages_not_json(client):
    resp = client.get("/staff/calendar")
    assert resp.status_code == 503 and resp.mimetype == "text/html"
    assert "Please try again" in resp.text and "réessayez" in resp.text and resp.headers["Retry-After"] == "5"


def test_anonymous_writes_from_one_address_are_limited_and_staff_and_reads_are_not(client, settings, tokens):
    """Security finding 9: public booking let anyone book 30 sessions and send 30 e-mails in 1.3 s."""
    flood = {"REMOTE_ADDR": "203.0.113.200"}
    answers = [client.post("/api/v1/appointments", json={}, environ_base=flood).status_code
               for _ in range(settings.public_write_limit + 1)]
    assert answers[:-1] == [201] * settings.public_write_limit
    refused = client.post("/api/v1/waitlist", json={}, environ_base=flood)
    assert answers[-1] == refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 600
    assert refused.mimetype == "application/problem+json"
    assert client.get("/api/v1/appointments", environ_base=flood).status_code == 200  # reads pass
    assert client.post("/api/v1/appointments", json={}, environ_base=flood,
                       headers=tokens.headers("front_desk")).status_code == 201  # staff are accountable
    assert client.post("/api/v1/appointments", json={},
                       environ_base={"REMOTE_ADDR": "198.51.100.201"}).status_code == 201  # other families


def test_the_proxy_hands_bodies_on_unread_and_the_gateways_own_endpoints_check_them(client, tokens):
    """Text no column can store is refused by whoever stores it: the service behind, not the proxy in front."""
    nul = '{"note": "a\\u0000b"}'
    forwarded = client.post("/api/v1/appointments", data=nul, content_type="application/json",
                            headers=tokens.headers("front_desk"))
    assert forwarded.status_code == 201 and forwarded.json["body"] == nul  # booking got it as sent
    own = client.post("/api/v1/auth/login", data='{"email": "a\\u0000@example.org", "password": "x"}',
                      content_type="application/json")
    assert own.status_code == 422 and "email" in own.json["errors"]
