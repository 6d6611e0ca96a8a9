"""schemathesis against the running system, anonymous and as each role: no 5xx, and every answer is one the
merged OpenAPI documents (status, content type, body) — "bad input gets a clear error, never a 500".

It runs on a system of its own (`own_system`): its random writes — clients, bookings, users, settings — would
otherwise surprise the tests sharing `system`. Bounded and repeatable: FUZZ_EXAMPLES examples per operation and
generation mode (valid, then invalid input) under the fixed seed FUZZ_SEED, no shrinking. Run by
`make test-fuzz` (and CI); explore further with e.g. FUZZ_SEED=7 FUZZ_EXAMPLES=30 make test-fuzz.
"""
from __future__ import annotations

import os
import re
import uuid
from collections import Counter

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests.e2e.api import eventually
from tests.e2e.test_spine import mails_to

pytestmark = pytest.mark.fuzz  # make test-fuzz (CI runs it after make test): minutes of its own

FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "14"))
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
CALLERS = ("anonymous", "org_admin", "admin", "front_desk", "biller", "therapist", "client")
FAMILY_PASSWORD = "a family password 2026"


def _token(base: str, email: str, password: str) -> str:
    resp = requests.post(f"{base}/api/v1/auth/login", json={"email": email, "password": password}, timeout=15)
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def _family_login(system, front_desk: str) -> tuple[str, str]:
    """A portal account, as a family gets one: on file at the front desk, made active, invited, activated."""
    email = f"fuzz-{uuid.uuid4().hex[:10]}@example.org"
    staff = {"Authorization": f"Bearer {front_desk}"}
    client = requests.post(f"{system.url}/api/v1/clients", headers=staff, timeout=15, json={
        "first_name": "Fuzz", "last_name": "Family",
        "guardians": [{"first_name": "Pat", "last_name": "Family", "email": email}]})
    assert client.status_code == 201, client.text
    active = requests.patch(f"{system.url}/api/v1/clients/{client.json()['id']}", headers=staff, timeout=15,
                            json={"status": "active"})
    assert active.status_code == 200, active.text
    texts = eventually(lambda: [text for m in mails_to(system.mail_dir, email)
                                if "activate?token=" in (text := m.get_body(preferencelist=("plain",)).get_content())],
                       timeout=60, what="the portal invitation")
    token = re.search(r"activate\?token=([A-Za-z0-9_\-]+)", texts[0]).group(1)
    resp = requests.post(f"{system.url}/api/v1/auth/activate", json={"token": token, "password": FAMILY_PASSWORD},
                         timeout=15)
    assert resp.status_code == 200, resp.text
    return email, FAMILY_PASSWORD


@pytest.fixture(scope="module")
def fuzzing(own_system):
    """The merged OpenAPI as schemathesis reads it, and each caller's (e-mail, password); None: anonymous."""
    schema = schemathesis.openapi.from_url(f"{own_system.url}/api/v1/openapi.json")
    schema.config.update(base_url=own_system.url)
    assert not schema.raw_schema["x-unavailable"], "every service's OpenAPI is in the merged document"
    logins = {role: (own_system.login(role).email, own_system.login(role).password)
              for role in CALLERS if role not in ("anonymous", "client")}
    logins["client"] = _family_login(own_system, _token(own_system.url, *logins["front_desk"]))
    return own_system.url, schema, logins


class Denied(Exception):
    """The caller may not use the operation at all: more examples would only be refused the same way."""


def _fuzz(operation, mode, session: requests.Session, headers: dict[str, str], answers: Counter) -> str | None:
    """The first failure of FUZZ_EXAMPLES cases of `operation` in `mode`, described; None when all passed.

    Answers are tallied by status class ("2xx", "422"...), so a run that only met refusals shows.
    """
    guarded = "403" in operation.responses.status_codes  # the chassis documents 403 where an access rule is
    @hypothesis.seed(FUZZ_SEED)
    @hypothesis.settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, print_blob=False,
                         phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy(mode))
    def run(case):
        response = case.call_and_validate(session=session, headers=headers, checks=CHECKS, timeout=30)
        answers["422" if response.status_code == 422 else f"{response.status_code // 100}xx"] += 1
        if guarded and response.status_code in (401, 403):  # checked already; access comes before any input
            raise Denied()

    try:
        run()
    except (Denied, hypothesis.errors.Unsatisfiable):
        return None  # refused before any input is read; or nothing in the operation can be made invalid
    except (FailureGroup, Exception) as exc:  # what a check found, or a request that could not be sent
        return f"{operation.label} ({mode.value}): {exc}"
    return None


@pytest.mark.parametrize("caller", CALLERS)
def test_no_operation_answers_5xx_or_outside_its_documentation(fuzzing, caller):
    url, schema, logins = fuzzing
    # Logged in when its turn comes, so the token outlives the run however deep it goes (FUZZ_EXAMPLES).
    headers = {"Authorization": f"Bearer {_token(url, *logins[caller])}"} if caller in logins else {}
    session, answers = requests.Session(), Counter()
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        failures += [f for mode in MODES if (f := _fuzz(operation, mode, session, headers, answers))]
    assert operations > 90  # every service's operations were fuzzed, not an empty document
    # The fuzzing went past the door: some input was accepted and some refused as invalid.
    assert answers["2xx"] and answers["422"], dict(answers)
    assert not failures, f"{len(failures)} failures in {operations} operations as {caller}:\n\n" + "\n\n".join(failures)
