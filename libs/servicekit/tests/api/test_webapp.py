"""The shared app factory: deny by default, problem+json everywhere, request ids, idempotent POSTs."""
import datetime as dt
import itertools
import json
import threading
import uuid

import pytest
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import func, insert, select

from servicekit.auth import FRONT_DESK, PUBLIC, access
from servicekit.config import Settings
from servicekit.errors import Conflict
from servicekit.db import unit_of_work
from servicekit.idempotency import idempotent
from servicekit.webapp import create_service_app

from ..conftest import effects

counter = itertools.count(1)
bp = Blueprint("demo", __name__)


class ItemIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1))
    child = fields.Nested(Schema.from_dict({"age": fields.Integer(required=True)}, name="ChildIn"), required=True)


@bp.route("/open", methods=["GET"])
@access(PUBLIC)
def open_view():
    return {"ok": True}


@bp.route("/items", methods=["POST"])
@idempotent
@access(FRONT_DESK)
@bp.arguments(ItemIn)
@bp.response(201)
def create_item(data):
    return {"number": next(counter), "name": data["name"]}


class EffectIn(Schema):
    note = fields.String(required=True)
    fail_after_write = fields.Boolean()


@bp.route("/effects", methods=["POST"])
@idempotent
@access(PUBLIC)
@bp.arguments(EffectIn)
@bp.response(201)
def write_effect(data):
    with unit_of_work() as session:
        row_id = session.execute(insert(effects).values(event_id="idem", note=data["note"])
                                 .returning(effects.c.id)).scalar_one()
        if data.get("fail_after_write"):
            raise Conflict("refused after writing")
    return {"id": row_id}


@bp.route("/conflict", methods=["POST"])
@access(PUBLIC)
def conflict():
    raise Conflict("This invoice is already paid.")


@bp.route("/forgotten", methods=["GET"])
def forgotten():
    return {"leak": True}


@bp.route("/far-future", methods=["GET"])
@access(PUBLIC)
def far_future():
    return {"at": (dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-1)))
                   .astimezone(dt.timezone.utc)).isoformat()}


@bp.route("/boom", methods=["GET"])
@access(PUBLIC)
def boom():
    raise RuntimeError("bug")


@pytest.fixture(scope="module")
def client(demo_db_url, keypair):
    settings = Settings(service="kit", database_url=demo_db_url, jwt_public_key=keypair.public_pem, log_format="text")
    return create_service_app(settings, [bp], title="kit").test_client()


def test_view_without_access_rule_is_closed(client, tokens):
    resp = client.get("/api/v1/forgotten", headers=tokens.headers("org_admin"))
    assert resp.status_code == 403 and resp.mimetype == "application/problem+json"


def test_anonymous_caller_gets_401_and_wrong_role_403(client, tokens):
    body = {"name": "x", "child": {"age": 3}}
    assert client.post("/api/v1/items", json=body).status_code == 401
    resp = client.post("/api/v1/items", json=body, headers=tokens.headers("therapist"))
    assert resp.status_code == 403 and "front_desk" in resp.json["detail"]
    assert client.post("/api/v1/items", json=body, headers=tokens.headers("admin")).status_code == 201


def test_garbage_bearer_token_is_401(client):
    resp = client.get("/api/v1/open", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401 and resp.json["status"] == 401


def test_validation_errors_name_each_field(client, tokens):
    resp = client.post("/api/v1/items", json={"name": "", "child": {}}, headers=tokens.headers("front_desk"))
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert set(resp.json["errors"]) == {"name", "child.age"}
    assert "child.age" in resp.json["detail"]


@pytest.mark.parametrize("body, query, fields", [
    ({"name": "a\u0000b", "child": {"age": 1}}, {}, {"name"}),
    ({"name": "ok", "child": {"age": 1}, "tags": ["x", "\ud800"]}, {}, {"tags.1"}),
    ({"name": "ok", "child": {"age": 1}}, {"q": "Dvo\u0000"}, {"q"}),
])
def test_text_no_database_can_store_is_a_422_naming_the_field_not_a_500(client, tokens, body, query, fields):
    """Security review: NUL bytes and lone surrogates reached PostgreSQL and answered 500."""
    resp = client.post("/api/v1/items", data=json.dumps(body), query_string=query, content_type="application/json",
                       headers=tokens.headers("front_desk"))
    assert resp.status_code == 422 and set(resp.json["errors"]) == fields
    assert client.post("/api/v1/items", data=json.dumps(body), content_type="application/json").status_code == 401


def test_body_that_is_not_json_is_a_problem_not_a_500(client, tokens):
    resp = client.post("/api/v1/items", data="{oops", content_type="application/json",
                       headers=tokens.headers("front_desk"))
    assert resp.status_code in (400, 422) and resp.mimetype == "application/problem+json"


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_json_nested_thousands_of_levels_deep_is_a_400_problem_not_a_500(client, tokens, depth):
    """Security finding 11: 1,000 levels in 2 KB answered 500 on every JSON endpoint."""
    resp = client.post("/api/v1/items", data="[" * depth + "]" * depth, content_type="application/json",
                       headers=tokens.headers("front_desk"))
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
    assert "nested too deeply" in resp.json["detail"]


def test_a_date_that_overflows_is_a_422_not_a_500(client):
    """Security review: dates in year 1 or 9999 answered 500."""
    resp = client.get("/api/v1/far-future")
    assert resp.status_code == 422 and "year between 1900 and 2200" in resp.json["detail"]


def test_domain_conflict_and_unexpected_errors_are_problems(client):
    resp = client.post("/api/v1/conflict")
    assert resp.status_code == 409 and resp.json["detail"] == "This invoice is already paid."
    resp = client.get("/api/v1/boom")
    assert resp.status_code == 500 and resp.mimetype == "application/problem+json" and "bug" not in resp.text


def test_request_id_is_echoed_and_generated_when_missing(client):
    assert client.get("/api/v1/open", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert len(client.get("/api/v1/open").headers["X-Request-ID"]) == 36


def test_retried_post_with_same_idempotency_key_replays_the_first_answer(client, tokens):
    headers = {**tokens.headers("front_desk", user_id="u-idem"), "Idempotency-Key": "k-1"}
    first = client.post("/api/v1/items", json={"name": "a", "child": {"age": 1}}, headers=headers)
    again = client.post("/api/v1/items", json={"name": "a", "child": {"age": 1}}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/v1/items", json={"name": "b", "child": {"age": 1}}, headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]


def test_a_caller_refused_gets_403_before_any_idempotency_key_is_looked_at(client, tokens):
    """The role is checked before the view and its key (servicekit.auth's before_request): never a 422, never the
    stored answer, for someone whose role no longer allows the request."""
    body, key = {"name": "a", "child": {"age": 1}}, {"Idempotency-Key": "k-refused"}
    allowed = tokens.headers("front_desk", user_id="u-demoted")
    assert client.post("/api/v1/items", json=body, headers={**allowed, **key}).status_code == 201
    demoted = {**tokens.headers("biller", user_id="u-demoted"), **key}  # same person, role taken away since
    assert client.post("/api/v1/items", json={"oops": 1}, headers=demoted).status_code == 403
    replay = client.post("/api/v1/items", json=body, headers=demoted)
    assert replay.status_code == 403 and "Idempotent-Replayed" not in replay.headers


def test_a_method_the_resource_lacks_is_a_405_naming_the_ones_it_has(client, tokens):
    resp = client.delete("/api/v1/items", headers=tokens.headers("front_desk"))
    assert resp.status_code == 405 and resp.mimetype == "application/problem+json"
    assert "POST" in resp.headers["Allow"].split(", ")


def test_metrics_are_for_our_own_networks_not_for_the_internet(client):
    """Security review: /metrics was public on the gateway."""
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.5"},  # through the ingress
                         headers={"X-Forwarded-For": "203.0.113.9"})
    assert outside.status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 404


def test_health_is_public_and_metrics_answer_this_machine(client):
    assert client.get("/healthz").json["status"] == "ok"
    assert client.get("/metrics").status_code == 200
    assert client.get("/openapi.json").json["info"]["title"] == "kit"


def test_metrics_show_the_outbox_lag_read_from_the_database(client, demo_db):
    from servicekit.messaging.outbox import add_event

    with demo_db.transaction() as session:
        add_event(session, "demo.waiting", {})
    text = client.get("/metrics").text
    pending = next(line for line in text.splitlines() if line.startswith("outbox_pending "))
    assert float(pending.split()[1]) >= 1
    assert "outbox_oldest_pending_age_seconds " in text and "events_published_total" in text


def effect_count(db, note):
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(effects).where(effects.c.note == note))


def test_concurrent_retries_with_one_key_make_one_effect_and_the_same_answer(client, demo_db):
    note, answers = f"n-{uuid.uuid4()}", []
    app = client.application

    def post():
        answers.append(app.test_client().post("/api/v1/effects", json={"note": note},
                                              headers={"Idempotency-Key": note}))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {a.status_code for a in answers} == {201} and len({a.json["id"] for a in answers}) == 1
    assert effect_count(demo_db, note) == 1


def test_a_request_that_fails_after_writing_leaves_neither_effect_nor_key(client, demo_db):
    note = f"n-{uuid.uuid4()}"
    failed = client.post("/api/v1/effects", json={"note": note, "fail_after_write": True},
                         headers={"Idempotency-Key": note})
    assert failed.status_code == 409 and effect_count(demo_db, note) == 0
    retried = client.post("/api/v1/effects", json={"note": note, "fail_after_write": True},
                          headers={"Idempotency-Key": note})
    assert retried.status_code == 409 and "Idempotent-Replayed" not in retried.headers
