"""The audit log: sign-ins, account changes, clinical reads and portal actions recorded by the gateway, searched by
the owner alone; the database refuses to change a line, except the retention purge."""
import csv
import dataclasses
import datetime as dt
import io
import uuid

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from servicekit import migrations
from servicekit.db import Database
from servicekit.testing.http import HttpServer

from gateway import audit, audit_log
from gateway.config import SERVICES
from gateway.models import AuditEvent

from ..helpers import PASSWORD, FakeService, bearer, login, make_user


@pytest.fixture(scope="module")
def upstream():
    with FakeService() as service:
        yield service


APPOINTMENT = str(uuid.uuid4())


@pytest.fixture(scope="module")
def links():
    """Notifications' one-click page as the gateway sees it: a page naming what the link acted on."""
    app = Flask("fake_links")

    @app.post("/r/<token>")
    def answer(token):
        return "<p>Thank you</p>", 200, {"X-Audit-Subject": f"appointment {APPOINTMENT}", "X-Audit-Action": "confirm"}

    with HttpServer(app) as served:
        yield served.url


@pytest.fixture(scope="module")
def settings(settings, upstream, links):
    """Every service is the echoing fake: what matters here is what the gateway records on the way."""
    return dataclasses.replace(settings, **{f"{s}_url": links if s == "notifications" else upstream.url
                                            for s in SERVICES})


def rows(db, **where):
    with db.transaction() as s:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, name) == value)
        return list(s.scalars(stmt))


def trace():
    return f"audit-{uuid.uuid4().hex[:12]}"


def test_a_failed_and_a_successful_sign_in_are_recorded_with_address_and_request_id(client, db):
    user = make_user(db, "biller")
    wrong, right = trace(), trace()
    refused = client.post("/api/v1/auth/login", json={"email": user.email.upper(), "password": "not it at all"},
                          headers={"X-Request-ID": wrong}, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert refused.status_code == 401
    [failure] = rows(db, request_id=wrong)
    assert (failure.action, failure.outcome, failure.status) == ("auth.login", "failure", 401)
    assert failure.actor_email == user.email and failure.actor_id is None and failure.address == "198.51.100.7"

    ok = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD},
                     headers={"X-Request-ID": right}, environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert ok.status_code == 200
    [success] = rows(db, request_id=right)
    assert (success.action, success.outcome, success.status) == ("auth.login", "success", 200)
    assert success.actor_id == user.id and success.subject_id == user.id and success.address == "198.51.100.8"
    assert (success.actor_role, success.actor_email) == ("biller", user.email)  # as the answer names them


def test_the_address_is_the_callers_behind_our_proxies_not_one_the_caller_wrote(client, db):
    user, rid = make_user(db, "therapist"), trace()
    client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong one"},
                headers={"X-Request-ID": rid, "X-Forwarded-For": "6.6.6.6, 203.0.113.9"},
                environ_base={"REMOTE_ADDR": "10.0.0.2"})  # our ingress vouches for 203.0.113.9 only
    [row] = rows(db, request_id=rid)
    assert row.address == "203.0.113.9"


def test_a_role_change_is_recorded_from_and_to_by_whom(client, db, tokens):
    staff, owner_id, rid = make_user(db, "front_desk"), str(uuid.uuid4()), trace()
    owner = tokens.headers("org_admin", user_id=owner_id, email="owner@example.org")
    resp = client.patch(f"/api/v1/users/{staff.id}", json={"role": "admin"}, headers={**owner, "X-Request-ID": rid})
    assert resp.status_code == 200
    [row] = rows(db, request_id=rid)
    assert (row.action, row.outcome, row.subject_type, row.subject_id) == ("user.role_changed", "success", "user",
                                                                           staff.id)
    assert (row.actor_id, row.actor_role, row.actor_email) == (owner_id, "org_admin", "owner@example.org")
    assert row.detail == {"fields": ["role"], "role": {"from": "front_desk", "to": "admin"}}


def test_a_refused_account_change_is_recorded_as_a_failure(client, db, tokens):
    staff, rid = make_user(db, "front_desk"), trace()
    resp = client.patch(f"/api/v1/users/{staff.id}", json={"active": False},
                        headers={**tokens.headers("admin"), "X-Request-ID": rid})
    assert resp.status_code == 403
    [row] = rows(db, request_id=rid)
    assert (row.action, row.outcome, row.status, row.actor_role) == ("user.deactivated", "failure", 403, "admin")
    assert row.detail["active"] == {"from": True, "to": False}


def test_only_the_owner_searches_the_log(client, db, tokens):
    for role in ("admin", "front_desk", "biller", "therapist", "client"):
        rid = trace()
        denied = client.get("/api/v1/audit-events", headers={**tokens.headers(role), "X-Request-ID": rid})
        assert denied.status_code == 403, role
        [row] = rows(db, request_id=rid)  # looking is itself on the record, refused or not
        assert (row.action, row.outcome, row.actor_role) == ("audit.searched", "failure", role)
    assert client.get("/api/v1/audit-events").status_code == 401
    assert client.get("/api/v1/audit-events.csv", headers=tokens.headers("admin")).status_code == 403
    assert client.get("/api/v1/audit-events", headers=tokens.headers("org_admin")).status_code == 200


def test_the_search_filters_by_actor_action_outcome_subject_and_day_newest_first(client, db, tokens):
    user = make_user(db, "biller", address=f"filter-{uuid.uuid4().hex[:8]}@example.org")
    login(client, user.email, "wrong")
    login(client, user.email)
    owner = tokens.headers("org_admin")
    found = client.get("/api/v1/audit-events", query_string={"actor": user.email[:15].upper()}, headers=owner)
    assert found.status_code == 200
    assert [(r["action"], r["outcome"]) for r in found.json] == [("auth.login", "success"), ("auth.login", "failure")]
    by_id = client.get("/api/v1/audit-events", query_string={"actor": user.id}, headers=owner).json
    assert [r["outcome"] for r in by_id] == ["success"]  # the failure named an address, not an account
    failures = client.get("/api/v1/audit-events", query_string={"actor": user.email, "outcome": "failure",
                                                                "action": "auth"}, headers=owner).json
    assert [r["status"] for r in failures] == [401]
    assert client.get("/api/v1/audit-events", query_string={"actor": user.email, "action": "auth.log"},
                      headers=owner).json == []  # a prefix is whole words: "auth", not "auth.log"
    subject = client.get("/api/v1/audit-events", query_string={"subject_id": user.id}, headers=owner).json
    assert [r["actor_id"] for r in subject] == [user.id]
    after = str(dt.date.today() + dt.timedelta(days=2))
    assert client.get("/api/v1/audit-events", query_string={"actor": user.email, "from": after}, headers=owner).json == []
    before = str(dt.date.today() - dt.timedelta(days=2))
    assert len(client.get("/api/v1/audit-events", query_string={"actor": user.email, "from": before, "to": after},
                          headers=owner).json) == 2
    paged = client.get("/api/v1/audit-events", query_string={"actor": user.email, "limit": 1}, headers=owner)
    assert len(paged.json) == 1 and paged.headers["X-Next-Cursor"]
    second = client.get("/api/v1/audit-events", query_string={"actor": user.email, "limit": 1,
                                                              "cursor": paged.headers["X-Next-Cursor"]}, headers=owner)
    assert second.json[0]["outcome"] == "failure"


@pytest.mark.parametrize("query,field", [({"outcome": "maybe"}, "outcome"), ({"actor": "x" * 255}, "actor"),
                                          ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
                                          ({"from": "yesterday"}, "from"), ({"action": "a" * 61}, "action"),
                                          ({"from": "0001-01-01"}, "from"), ({"to": "9999-12-31"}, "to")])
def test_a_bad_filter_is_a_422_naming_it(client, tokens, query, field):
    resp = client.get("/api/v1/audit-events", query_string=query, headers=tokens.headers("org_admin"))
    assert resp.status_code == 422 and field in resp.json["errors"]


def test_the_csv_download_is_the_filtered_search_and_is_itself_recorded(client, db, tokens):
    user, owner_id, rid = make_user(db, "therapist"), str(uuid.uuid4()), trace()
    login(client, user.email, "=HYPERLINK(1)")
    resp = client.get("/api/v1/audit-events.csv", query_string={"actor": user.email},
                      headers={**tokens.headers("org_admin", user_id=owner_id), "X-Request-ID": rid})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.headers["Cache-Control"] == "private, no-store"
    lines = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [(line["action"], line["outcome"], line["actor_email"]) for line in lines] == [
        ("auth.login", "failure", user.email)]
    [row] = rows(db, request_id=rid)
    assert (row.action, row.actor_id, row.outcome) == ("export.audit_csv", owner_id, "success")


def test_a_clinical_read_and_a_portal_action_through_the_gateway_are_recorded(client, db, tokens):
    client_id, appointment_id = str(uuid.uuid4()), str(uuid.uuid4())
    therapist, family = str(uuid.uuid4()), str(uuid.uuid4())
    rid = trace()
    read = client.get(f"/api/v1/clients/{client_id}/activities",
                      headers={**tokens.headers("therapist", user_id=therapist), "X-Request-ID": rid})
    assert read.status_code == 200
    [row] = rows(db, request_id=rid)
    assert (row.action, row.subject_type, row.subject_id, row.actor_id) == (
        "clinical.client_timeline", "client", client_id, therapist)
    rid = trace()
    client.post(f"/api/v1/appointments/{appointment_id}/cancel", json={"reason": "ill"},
                headers={**tokens.headers("client", user_id=family, client_ids=[client_id]), "X-Request-ID": rid})
    [row] = rows(db, request_id=rid)
    assert (row.action, row.subject_id, row.actor_role) == ("portal.appointment.cancelled", appointment_id, "client")
    assert row.detail == {}  # the reason is the family's words: not the log's
    rid = trace()
    client.post(f"/api/v1/quotations/{appointment_id}/sign?access_token=s3cret-link", json={"signer_name": "M"},
                headers={"X-Request-ID": rid})
    [row] = rows(db, request_id=rid)
    assert (row.action, row.actor_role, row.actor_id) == ("portal.quotation.signed", "link_holder", None)


def test_a_one_click_link_is_recorded_as_what_the_service_says_it_did_and_those_words_stay_inside(client, db):
    rid = trace()
    resp = client.post("/r/a-signed-one-click-token", headers={"X-Request-ID": rid})
    assert resp.status_code == 200 and "X-Audit-Subject" not in resp.headers and "X-Audit-Action" not in resp.headers
    [row] = rows(db, request_id=rid)
    assert (row.action, row.actor_role, row.actor_id) == ("portal.appointment.confirmed", "link_holder", None)
    assert (row.subject_type, row.subject_id) == ("appointment", APPOINTMENT)


def test_lists_and_writes_without_a_rule_leave_no_line(client, db, tokens):
    rid = trace()
    client.get("/api/v1/clients", headers={**tokens.headers("front_desk"), "X-Request-ID": rid})
    client.get("/api/v1/slots", headers={"X-Request-ID": rid})
    assert rows(db, request_id=rid) == []


def test_no_password_or_token_is_ever_in_a_line(client, db, tokens):
    user = make_user(db, "front_desk")
    secrets_seen, rids = [PASSWORD, "a wrong password 1"], []

    def call(method, path, **kwargs):
        rids.append(trace())
        headers = {**kwargs.pop("headers", {}), "X-Request-ID": rids[-1]}
        return client.open(path, method=method, headers=headers, **kwargs)

    call("POST", "/api/v1/auth/login", json={"email": user.email, "password": "a wrong password 1"})
    pair = call("POST", "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}).json
    secrets_seen += [pair["access_token"], pair["refresh_token"]]
    changed = call("POST", "/api/v1/users/me/password", headers=bearer(pair["access_token"]),
                   json={"current_password": PASSWORD, "new_password": "another long password"}).json
    secrets_seen += ["another long password", changed["access_token"], changed["refresh_token"]]
    call("PATCH", f"/api/v1/users/{user.id}", headers=tokens.headers("org_admin"),
         json={"password": "the owner's new one"})
    secrets_seen.append("the owner's new one")
    call("POST", "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})  # reused: refused
    call("POST", "/api/v1/auth/logout", json={"refresh_token": changed["refresh_token"]})
    call("POST", "/r/one-click-token-abc")
    secrets_seen.append("one-click-token-abc")
    lines = [row for rid in rids for row in rows(db, request_id=rid)]
    assert {row.action for row in lines} >= {"auth.login", "user.password_changed", "user.password_set",
                                              "auth.refresh_refused", "auth.logout", "portal.appointment.confirmed"}
    for row in lines:
        flat = repr({c.name: getattr(row, c.name) for c in AuditEvent.__table__.columns})
        for secret in secrets_seen:
            assert secret not in flat, (row.action, secret[:12])
    [logout] = [row for row in lines if row.action == "auth.logout"]
    assert logout.actor_id == user.id  # named by the refresh token's owner, the token itself not kept


def test_a_line_cannot_be_changed_or_deleted_but_the_purge_removes_old_ones(db, settings):
    if not db.is_postgres:
        pytest.skip("the triggers refusing DELETE are PostgreSQL's")
    old_id, recent_id = (str(uuid.uuid4()) for _ in range(2))
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=365 * settings.audit_retention_years + 30)
    with db.transaction() as s:
        s.add_all([AuditEvent(action="auth.login", outcome="success", subject_id=old_id, occurred_at=long_ago,
                              detail={}),
                   AuditEvent(action="auth.login", outcome="success", subject_id=recent_id, detail={})])
    for statement in ("UPDATE audit_events SET outcome = 'success', actor_email = 'x' WHERE subject_id = :id",
                      "DELETE FROM audit_events WHERE subject_id = :id", "TRUNCATE audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.transaction() as s:
                s.execute(text(statement), {"id": recent_id})
    with db.transaction() as s:
        assert audit_log.purge(s, settings) >= 1
    assert rows(db, subject_id=old_id) == [] and len(rows(db, subject_id=recent_id)) == 1
    with pytest.raises(DBAPIError, match="append-only"):  # the purge's permission ended with its transaction
        with db.transaction() as s:
            s.execute(text("DELETE FROM audit_events WHERE subject_id = :id"), {"id": recent_id})


def test_a_clinical_read_that_cannot_be_recorded_is_refused_but_a_done_write_keeps_its_answer(client, tokens,
                                                                                               monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the audit table is away")

    monkeypatch.setattr(audit, "event_for", broken)
    therapist = tokens.headers("therapist")
    read = client.get(f"/api/v1/clients/{uuid.uuid4()}", headers=therapist)
    assert read.status_code == 503 and read.headers["Retry-After"] == "5"
    assert "body" not in (read.json or {})  # the upstream's answer did not leave
    done = client.post(f"/api/v1/appointments/{uuid.uuid4()}/confirm", json={}, headers=tokens.headers("client"))
    assert done.status_code == 201  # the effect happened: its answer is not replaced


def test_on_sqlite_a_line_cannot_be_changed_either(spec, tmp_path):
    url = f"sqlite:///{tmp_path}/gateway.db"
    migrations.upgrade(spec.package_dir, url)
    database = Database(url, "gateway")
    try:
        with database.transaction() as s:
            s.add(AuditEvent(action="auth.login", outcome="failure", detail={}))
        with pytest.raises(DBAPIError, match="append-only"):
            with database.transaction() as s:
                s.execute(text("UPDATE audit_events SET outcome = 'success'"))
    finally:
        database.dispose()
