"""Least privilege, proven: every operation of the merged OpenAPI × every kind of caller against the policy table
(tests/e2e/policy.py, DESIGN.md section 1), with real requests for family A's real resources.

A denial must be the table's exact status and must come before any validation: every body sent is invalid (a
JSON string where the API wants an object or a list), and so is one query parameter for those to be refused,
so a 422 where the table says 401/403 is a failure, and an allowed caller writes nothing through a body.
An allowed caller's answer may be anything but 401/403 — and an answer to someone with no part in a family's
client (anonymous, the other family, the therapist not assigned) never holds that client's id: a list filters."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from . import policy_world
from .policy import CALLERS, POLICY

PREFIX = "/api/v1"
METHODS = ("get", "post", "put", "patch", "delete")
INVALID_BODY = "policy-matrix: not an object"  # valid JSON, wrong type for every request schema
# No part in a family's client (A's therapist is thA, B's thB): its id is in no answer of theirs.
OUTSIDERS = {"A": ("anon", "thB", "famB"), "B": ("anon", "thA", "famA")}
LINK_TOKENS = ("token", "access_token")  # query parameters that carry a link's secret
# Operations after which an allowed caller's access token is refused (they end the caller's other sessions, and
# with them every access token signed until then): run last, each caller then refreshes its token.
ENDS_OWN_ACCESS = ("DELETE /users/me/sessions/{session_id}", "POST /users/me/sessions/end-others")


@pytest.fixture(scope="module")
def openapi(system) -> dict:
    resp = requests.get(f"{system.url}{PREFIX}/openapi.json", timeout=30)
    assert resp.status_code == 200 and not resp.json()["x-unavailable"], resp.text[:500]
    return resp.json()


def operations(spec: dict) -> dict[str, dict]:
    """{"GET /clients/{client_id}": the OpenAPI operation} for every path under /api/v1."""
    return {f"{method.upper()} {path.removeprefix(PREFIX)}": op
            for path, item in spec["paths"].items() if path.startswith(PREFIX)
            for method, op in item.items() if method in METHODS}


def test_every_operation_has_a_row_in_the_policy_table(openapi):
    documented = set(operations(openapi))
    missing, stale = sorted(documented - set(POLICY)), sorted(set(POLICY) - documented)
    assert not missing and not stale, (
        f"operations without a row in tests/e2e/policy.py: {missing}; rows naming no operation: {stale}")


def _path(operation: str, world: policy_world.World) -> str:
    """The operation's path with the world's ids in it (family A's, or those the operation has of its own)."""
    path = operation.split(" ", 1)[1]
    values = {**world.ids, **world.overrides.get(operation, {})}
    for name in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
        if name not in values:
            raise LookupError(f"the policy world has no value for {{{name}}}: give it one in policy_world.py")
        path = path.replace(f"{{{name}}}", values[name])
    return path


def _order(items: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    # Deletions late: a deleted resource would turn the denials of operations after it into 404s.
    return sorted(items, key=lambda item: (item[0] in ENDS_OWN_ACCESS, item[0].startswith("DELETE ")))


def _invalid_query(op: dict) -> dict[str, str]:
    """One query parameter with a value its schema refuses (nothing when the operation takes none).

    Not a link's token: that is the caller's credential (a wrong one is a 401 whoever is signed in), not input."""
    for parameter in op.get("parameters", []):
        credential = parameter.get("name") in LINK_TOKENS
        schema = parameter.get("schema", {}) if parameter.get("in") == "query" and not credential else {}
        kinds = schema.get("type") if isinstance(schema.get("type"), list) else [schema.get("type")]
        if "integer" in kinds or "number" in kinds:
            return {parameter["name"]: "not-a-number"}
        if schema.get("format") in ("uuid", "date", "date-time") or "enum" in schema:
            return {parameter["name"]: "not-one-of-those"}
        if "maxLength" in schema:
            return {parameter["name"]: "x" * (schema["maxLength"] + 1)}
    return {}


def _leak(world: policy_world.World, caller: str, resp: requests.Response) -> str | None:
    """Allowed to ask is not allowed to see: whoever has no part in a family's client never gets its id back."""
    for side, outsiders in OUTSIDERS.items():
        if caller in outsiders and resp.status_code < 300 and world.clients[side] in resp.text:
            return f"shows family {side}'s client ({resp.status_code})"
    return None


def _verdict(expected: str, status: int) -> str | None:
    """What is wrong with answering `status` where the table says `expected`, or None."""
    if expected == "ok":
        return None if status not in (401, 403) else f"unexpected deny {status}"
    if status == int(expected):
        return None
    if status < 400:
        return f"unexpected allow {status} (table: {expected})"
    if status in (400, 422):
        return f"validated before access: {status} (table: {expected})"
    return f"{status} instead of {expected}"


def test_every_caller_gets_what_the_policy_table_says(system, openapi):
    world = policy_world.build(system.url, system.mail_dir, system.login("org_admin").email,
                               system.login("org_admin").password)
    mismatches: list[str] = []
    with ThreadPoolExecutor(max_workers=len(CALLERS)) as pool:  # the callers of one step ask at once
        for operation, op in _order([(name, op) for name, op in operations(openapi).items() if name in POLICY]):
            try:
                mismatches += _ask_everyone(pool, world, operation, op)
            except LookupError as exc:
                mismatches.append(f"{operation}: {exc}")
            if operation in ENDS_OWN_ACCESS:
                world.renew()
    assert not mismatches, f"{len(mismatches)} answers differ from tests/e2e/policy.py:\n" + "\n".join(mismatches)


def _ask_everyone(pool: ThreadPoolExecutor, world: policy_world.World, operation: str, op: dict) -> list[str]:
    """The operation asked by every kind of caller; what differs from its row.

    Those to be refused are asked first (an allowed caller's deletion or change must not decide a refusal after
    it) and with an invalid query too; those allowed with a valid one, so that what they see is checked."""
    row, method, path = POLICY[operation], operation.split(" ")[0], _path(operation, world)
    body = {"json": INVALID_BODY} if "requestBody" in op else {}
    # Asked for family A's client, a list decides whose it is from its query: that query stays valid.
    query = world.queries.get(operation, {})
    mismatches = []
    for group, params in (([c for c in CALLERS if row[c] != "ok"], query or _invalid_query(op)),
                          ([c for c in CALLERS if row[c] == "ok"], query)):
        answers = pool.map(lambda caller: world.callers[caller].call(method, path, params=params, **body), group)
        for caller, resp in zip(group, answers):
            problem = _verdict(row[caller], resp.status_code) or _leak(world, caller, resp)
            if problem:
                mismatches.append(f"{operation} as {caller}: {problem} — {resp.text[:160]}")
    return mismatches
