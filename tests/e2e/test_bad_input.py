"""Never a 500 for bad input: every writing endpoint of the merged OpenAPI document, fed garbage, answers 4xx."""
from __future__ import annotations

import re
import uuid

import pytest

from .api import STAFF, Api
from .test_spine import PASSWORD

GARBAGE = [
    ("json", {}), ("json", []), ("json", "text"), ("json", {"amount": "-1e999", "start": "yesterday"}),
    ("data", "{not json"),
]


def writing_operations(spec: dict) -> list[tuple[str, str]]:
    ops = []
    for path, item in spec["paths"].items():
        for method in ("post", "put", "patch"):
            if method in item:
                ops.append((method.upper(), re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)))
    return ops


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_garbage_bodies_never_cause_a_server_error(system, role):
    spec = Api(system.url).get("/openapi.json").json()
    assert not spec.get("x-unavailable"), spec.get("x-unavailable")
    operations = writing_operations(spec)
    assert len(operations) > 20
    api = Api(system.url) if role == "anonymous" else Api.login(
        system.url, "admin@sunnysteps.example", "admin-demo-2026")
    failures = []
    for method, path in operations:
        for kind, body in GARBAGE:
            kwargs = {"json": body} if kind == "json" else {
                "data": body, "headers": {"Content-Type": "application/json"}}
            resp = api.call(method, f"{system.url}{path}", **kwargs)
            if resp.status_code >= 500 or not resp.headers.get("Content-Type", "").startswith(
                    ("application/problem+json", "application/json")):
                failures.append((method, path, kind, resp.status_code, resp.text[:200]))
    assert failures == []


def test_a_real_uuid_that_does_not_exist_is_404_everywhere(system):
    desk = Api.login(system.url, STAFF["front_desk"], PASSWORD)
    missing = uuid.uuid4()
    for path in (f"/appointments/{missing}", f"/opportunities/{missing}", f"/quotations/{missing}",
                 f"/tasks/{missing}", f"/invoices/{missing}", f"/notifications/{missing}"):
        assert desk.get(path).status_code == 404, path
