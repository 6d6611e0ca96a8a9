"""The links in messages (/r/...) and the template API reach the notifications service, unchanged."""
import dataclasses

import pytest

from ..helpers import FakeService


@pytest.fixture(scope="module")
def notifications():
    with FakeService() as service:
        yield service


@pytest.fixture(scope="module")
def settings(spec, make_settings, keypair, notifications):
    base = make_settings(spec, jwt_private_key=keypair.private_pem)
    return dataclasses.replace(base, notifications_url=notifications.url)


def test_confirm_and_cancel_links_go_to_notifications(client):
    resp = client.get("/r/AbC-123_xyz")
    assert resp.status_code == 200 and resp.json["path"] == "/r/AbC-123_xyz" and resp.json["method"] == "GET"


def test_unsubscribe_links_go_to_notifications_including_one_click_posts(client):
    assert client.get("/r/unsubscribe/tok").json["path"] == "/r/unsubscribe/tok"
    posted = client.post("/r/unsubscribe/tok", data="List-Unsubscribe=One-Click")
    assert posted.json["method"] == "POST" and posted.json["body"] == "List-Unsubscribe=One-Click"


def test_notification_templates_go_to_notifications(client, tokens):
    resp = client.put("/api/v1/notification-templates/appointment_reminder", json={"subject": "x"},
                      headers=tokens.headers("admin"))
    assert resp.json["path"] == "/api/v1/notification-templates/appointment_reminder"
    assert resp.json["method"] == "PUT"


def test_dot_segments_in_message_links_are_refused(client):
    assert client.get("/r/%2E%2E/metrics").status_code == 404
