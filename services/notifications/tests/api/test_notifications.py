"""Notifications API: the delivery log for staff and families, resending, and every denial."""
import datetime as dt
import uuid

import pytest

from notifications import delivery  # noqa: F401 - registers the dispatcher's counters in this process

from ..helpers import apply, booked, client_event, invoice_paid, logged, notifications_for

LIST_FIELDS = {"id", "kind", "channel", "recipient", "recipient_name", "client_id", "appointment_id", "subject",
               "status", "attempts", "last_error", "sent_at", "created_at", "event_id"}


def family_with_mail(db):
    """A known client with a booking e-mail and a payment confirmation in the log."""
    client = client_event()
    client_id = client.data["client_id"]
    apply(db, client)
    apply(db, booked(client_id=client_id))
    apply(db, invoice_paid(client_id))
    return client_id


def first_id(client, tokens, client_id):
    """The newest message of a client, as the front desk sees it."""
    return client.get(f"/api/v1/notifications?client_id={client_id}",
                      headers=tokens.headers("front_desk")).json[0]["id"]


def test_front_desk_lists_a_client_s_messages_newest_first_without_bodies(client, db, tokens):
    client_id = family_with_mail(db)
    resp = client.get(f"/api/v1/notifications?client_id={client_id}", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200
    assert [n["kind"] for n in resp.json] == ["payment_confirmation", "appointment_booked"]
    assert set(resp.json[0]) == LIST_FIELDS
    assert resp.json[0]["status"] == "queued" and resp.json[0]["client_id"] == client_id


def test_biller_filters_by_kind_status_and_appointment(client, db, tokens):
    client_id = family_with_mail(db)
    headers = tokens.headers("biller")
    paid = client.get(f"/api/v1/notifications?client_id={client_id}&kind=payment_confirmation&status=queued"
                      "&channel=email", headers=headers).json
    assert [n["kind"] for n in paid] == ["payment_confirmation"]
    assert client.get(f"/api/v1/notifications?client_id={client_id}&status=sent", headers=headers).json == []
    env = booked()
    apply(db, env)
    [mail] = client.get(f"/api/v1/notifications?appointment_id={env.data['appointment_id']}", headers=headers).json
    assert mail["event_id"] == env.id and mail["recipient"] == env.data["guardian"]["email"]


def test_the_log_finds_messages_by_part_of_the_recipient_s_address_or_name(client, db, tokens):
    tag = uuid.uuid4().hex[:10]
    by_address = logged(db, recipient=f"Parent.{tag}@Example.org", recipient_name="Maya Parent")
    by_name = logged(db, recipient="someone@example.org", recipient_name=f"Maya {tag.upper()}")
    logged(db, recipient=f"other{tag[:4]}x{tag[4:]}@example.org")
    headers = tokens.headers("front_desk")

    def ids(text):
        return {n["id"] for n in client.get("/api/v1/notifications", query_string={"recipient": text},
                                            headers=headers).json}

    assert ids(tag) == {by_address.id, by_name.id}
    assert ids(f"parent.{tag}@example") == {by_address.id}
    assert ids(f"{tag[:4]}_{tag[4:]}") == set()  # "_" is a letter here, not a wildcard
    assert client.get("/api/v1/notifications?recipient=", headers=headers).status_code == 422


def test_date_filters_take_whole_days_in_the_center_time_zone(client, db, tokens):
    client_id = str(uuid.uuid4())
    # 23:30 UTC on 10 March is already 00:30 on 11 March in Paris.
    late = logged(db, client_id=client_id, created_at=dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.timezone.utc))
    logged(db, client_id=client_id, created_at=dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.timezone.utc))
    headers = tokens.headers("front_desk")

    def ids(query):
        return [n["id"] for n in client.get(f"/api/v1/notifications?client_id={client_id}&{query}",
                                            headers=headers).json]

    assert ids("from=2026-03-11&to=2026-03-11") == [late.id]
    assert ids("to=2026-03-10") == []
    assert len(ids("from=2026-03-11")) == 2


def test_bad_filters_are_422_naming_each_field(client, tokens):
    resp = client.get("/api/v1/notifications?client_id=nope&kind=sms_blast&status=lost&from=yesterday",
                      headers=tokens.headers("front_desk"))
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"client_id", "kind", "status", "from"}
    backwards = client.get("/api/v1/notifications?from=2026-12-10&to=2026-12-01", headers=tokens.headers("admin"))
    assert backwards.status_code == 422 and set(backwards.json["errors"]) == {"to"}


def test_the_log_is_paginated_with_a_next_cursor(client, db, tokens):
    client_id = str(uuid.uuid4())
    for _ in range(3):
        logged(db, client_id=client_id)
    headers = tokens.headers("front_desk")
    first = client.get(f"/api/v1/notifications?client_id={client_id}&limit=2", headers=headers)
    assert len(first.json) == 2 and first.headers["X-Next-Cursor"]
    rest = client.get(f"/api/v1/notifications?client_id={client_id}&limit=2&cursor={first.headers['X-Next-Cursor']}",
                      headers=headers).json
    assert len(rest) == 1 and rest[0]["id"] not in {n["id"] for n in first.json}


def test_one_message_shows_its_body(client, db, tokens):
    client_id = family_with_mail(db)
    headers = tokens.headers("front_desk")
    [paid, _] = client.get(f"/api/v1/notifications?client_id={client_id}", headers=headers).json
    resp = client.get(f"/api/v1/notifications/{paid['id']}", headers=headers)
    assert resp.status_code == 200 and "Thank you. We have received full payment" in resp.json["body_text"]
    assert resp.json["subject"] == paid["subject"]


@pytest.mark.parametrize("role", ["front_desk", "biller", "client"])
def test_the_log_never_shows_a_link_that_acts_for_the_recipient(client, db, tokens, role):
    """Security finding 2: share, activation and one-click links were readable by the biller and other guardians."""
    client_id = str(uuid.uuid4())
    secrets = ["http://127.0.0.1:8080/q/3f1c0b5e-0000-4000-8000-000000000001?access_token=tok-abcdefghijklmnop",
               "http://127.0.0.1:8080/activate?token=Zm9vYmFyYmF6cXV4cXV1eA",
               "http://127.0.0.1:8080/r/eyJhbGciOiJIUzI1NiJ9.eyJhIjoiY29uZmlybSJ9.c2lnbmF0dXJl"]
    row = logged(db, client_id=client_id, body_text="Open " + " or ".join(secrets) +
                 ". Visit https://sunnysteps.example/portal for more.")
    headers = tokens.headers(role, client_ids=[client_id]) if role == "client" else tokens.headers(role)
    body = client.get(f"/api/v1/notifications/{row.id}", headers=headers).json["body_text"]
    assert not any(secret in body for secret in secrets) and "tok-" not in body
    assert body.count("[personal link: it works for its recipient only]") == 3
    assert "https://sunnysteps.example/portal" in body  # plain links stay readable


def test_unknown_or_malformed_notification_id_is_404(client, tokens):
    headers = tokens.headers("front_desk")
    assert client.get(f"/api/v1/notifications/{uuid.uuid4()}", headers=headers).status_code == 404
    assert client.get("/api/v1/notifications/not-a-uuid", headers=headers).status_code == 404
    assert client.post(f"/api/v1/notifications/{uuid.uuid4()}/resend",
                       headers=tokens.headers("admin")).status_code == 404


def test_a_family_sees_only_its_own_messages(client, db, tokens):
    mine, other = family_with_mail(db), family_with_mail(db)
    family = tokens.headers("client", client_ids=[mine])
    listed = client.get("/api/v1/notifications", headers=family).json
    assert {n["client_id"] for n in listed} == {mine} and len(listed) == 2
    assert client.get(f"/api/v1/notifications?client_id={other}", headers=family).status_code == 403
    theirs = first_id(client, tokens, other)
    assert client.get(f"/api/v1/notifications/{theirs}", headers=family).status_code == 403
    assert client.get(f"/api/v1/notifications/{listed[0]['id']}", headers=family).status_code == 200
    assert client.post(f"/api/v1/notifications/{listed[0]['id']}/resend", headers=family).status_code == 403


def test_therapists_get_403_and_anonymous_callers_401_everywhere(client, db, tokens):
    row = logged(db)
    paths = [("get", "/api/v1/notifications"), ("get", f"/api/v1/notifications/{row.id}"),
             ("post", f"/api/v1/notifications/{row.id}/resend")]
    for method, path in paths:
        assert getattr(client, method)(path, headers=tokens.headers("therapist")).status_code == 403, path
        resp = getattr(client, method)(path)
        assert resp.status_code == 401 and resp.mimetype == "application/problem+json", path


def test_admin_resends_a_failed_message_with_fresh_attempts(client, db, tokens):
    row = logged(db, status="failed", attempts=8, last_error="SMTPServerDisconnected: gone")
    resp = client.post(f"/api/v1/notifications/{row.id}/resend", headers=tokens.headers("admin"))
    assert resp.status_code == 200
    assert (resp.json["status"], resp.json["attempts"], resp.json["last_error"]) == ("queued", 0, None)


@pytest.mark.parametrize("status", ["sent", "queued"])
def test_resending_a_message_that_is_not_failed_is_409(client, db, tokens, status):
    row = logged(db, status=status)
    resp = client.post(f"/api/v1/notifications/{row.id}/resend", headers=tokens.headers("admin"))
    assert resp.status_code == 409 and f"is {status}; only a failed message" in resp.json["detail"]


def test_front_desk_and_biller_may_not_resend(client, db, tokens):
    row = logged(db, status="failed")
    for role in ("front_desk", "biller"):
        assert client.post(f"/api/v1/notifications/{row.id}/resend", headers=tokens.headers(role)).status_code == 403


def test_resending_a_message_that_had_no_address_uses_the_address_known_since(client, db, tokens):
    client_id = str(uuid.uuid4())
    env = invoice_paid(client_id)
    apply(db, env)
    [failed] = notifications_for(db, env.id)
    headers = tokens.headers("admin")
    still = client.post(f"/api/v1/notifications/{failed.id}/resend", headers=headers)
    assert still.status_code == 409 and "no e-mail address on file" in still.json["detail"]
    update = client_event(client_id, event_type="client.updated")
    apply(db, update)
    resp = client.post(f"/api/v1/notifications/{failed.id}/resend", headers=headers)
    assert resp.status_code == 200 and resp.json["status"] == "queued"
    assert resp.json["recipient"] == update.data["guardians"][0]["email"]


def test_the_log_filters_by_channel_and_shows_sms_and_their_provider_answer(client, db, tokens):
    client_id = str(uuid.uuid4())
    sms = logged(db, client_id=client_id, channel="sms", recipient="+33612345678", status="sent",
                 provider_answer="sid=SM123 status=queued")
    logged(db, client_id=client_id)
    headers = tokens.headers("front_desk")
    listed = client.get(f"/api/v1/notifications?client_id={client_id}&channel=sms", headers=headers).json
    assert [n["id"] for n in listed] == [sms.id]
    detail = client.get(f"/api/v1/notifications/{sms.id}", headers=headers).json
    assert detail["provider_answer"] == "sid=SM123 status=queued" and detail["channel"] == "sms"
    assert client.get("/api/v1/notifications?channel=fax", headers=headers).status_code == 422


def test_a_family_never_sees_the_front_desks_alerts_about_it(client, db, tokens):
    client_id = str(uuid.uuid4())
    alert = logged(db, client_id=client_id, kind="staff_cancel_requested", recipient="frontdesk@sunnysteps.example")
    notice = logged(db, client_id=client_id, kind="appointment_cancelled")
    family = tokens.headers("client", client_ids=[client_id])
    assert [n["id"] for n in client.get("/api/v1/notifications", headers=family).json] == [notice.id]
    assert client.get(f"/api/v1/notifications/{alert.id}", headers=family).status_code == 403
    staff = client.get(f"/api/v1/notifications?client_id={client_id}&kind=staff_cancel_requested",
                       headers=tokens.headers("front_desk")).json
    assert [n["id"] for n in staff] == [alert.id]


def test_a_failed_sms_without_a_number_cannot_be_resent(client, db, tokens):
    row = logged(db, channel="sms", recipient="", status="failed", last_error="no valid mobile number")
    resp = client.post(f"/api/v1/notifications/{row.id}/resend", headers=tokens.headers("admin"))
    assert resp.status_code == 409 and "mobile number" in resp.json["detail"]


def test_metrics_expose_the_delivery_counters(client):
    body = client.get("/metrics").text
    for name in ("notifications_sent_total", "notifications_failed_total", "notifications_retried_total"):
        assert name in body
