"""The OpenAPI side of errors.py: every operation documents the problem+json answers it can give.

Derived once, from what the chassis knows of each operation — its access rule, its path parameters, its body
and query arguments, its method — so a new view is documented without anyone writing its errors by hand, and
schemathesis (tests/e2e/test_schemathesis.py) holds the services to what is written here.
"""
from __future__ import annotations

from copy import deepcopy
from http import HTTPStatus
from typing import Any

from apispec import APISpec, BasePlugin
from flask import Flask
from flask_smorest import Api

from servicekit.auth import PUBLIC, access_rule
from servicekit.errors import PROBLEM_JSON

# What errors.problem_response() really sends (RFC 9457 members, plus ours); a Problem may add members.
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "Always `about:blank`: the status says what kind of error."},
        "title": {"type": "string", "description": "The status's name, e.g. `Unprocessable Content`."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong, for a person to read."},
        "instance": {"type": "string", "description": "The path that was requested."},
        "errors": {
            "type": "object", "description": "Field path (`guardian.email`, `lines.0.name`) to its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "request_id": {"type": ["string", "null"], "description": "Quote it to find the request in the logs."},
    },
    "additionalProperties": True,
}

# Copied into each response: apispec resolves references in place.
PROBLEM_CONTENT = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}

# status -> (component name, description); each is one response component shared by every operation.
RESPONSES: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "The body is not JSON this API can read (malformed, or nested too deeply)."),
    401: ("Unauthorized", "No valid access token: none was sent where one is needed, or the one sent is invalid, "
                          "expired or ended (logout, new password or role). `WWW-Authenticate: Bearer`."),
    403: ("Forbidden", "The caller's role (or family, or assignment) does not allow this."),
    404: ("NotFound", "A resource named in the path does not exist (or is not the caller's to see)."),
    409: ("Conflict", "The request conflicts with the resource's current state (taken slot, paid invoice, "
                      "a value that must be unique...)."),
    410: ("Gone", "The link or resource existed but has expired, was used already or was removed."),
    422: ("UnprocessableContent", "Invalid input: `errors` names each field (`client.first_name`) and why."),
    429: ("TooManyRequests", "Too many anonymous writes or failed logins from this address; `Retry-After` says "
                             "when to try again."),
    503: ("ServiceUnavailable", "A database or a service behind this one is unavailable; retry after "
                                "`Retry-After` seconds."),
}
# Answered by the HTTP server before the API sees the request: gunicorn's own page, not problem+json.
URI_TOO_LONG = ("UriTooLong", {
    "description": "The request line is longer than the HTTP server reads (gunicorn's `limit_request_line`, "
                   "4,094 bytes): refused by the server itself, as an HTML page.",
    "content": {"text/html": {"schema": {"type": "string"}}}})
WRITES = frozenset({"post", "put", "patch", "delete"})


def error_statuses(method: str, rule: frozenset[str] | None, *, has_path_args: bool, has_body: bool,
                   has_query: bool) -> set[int]:
    """The error statuses an operation can answer, from what the chassis knows of it."""
    statuses = {401, 503}  # a token sent must be valid even where none is needed; a database can be down
    public = rule is not None and PUBLIC in rule
    if not public:
        statuses.add(403)
    if has_path_args:
        statuses.add(404)
    if has_body:
        statuses |= {400, 422}
    if has_query:
        statuses.add(422)
    if has_path_args or has_query:
        statuses.add(414)  # parameters are what make a URL long
    if method in WRITES:
        statuses.add(409)  # domain conflicts, and any unique constraint lost to a concurrent writer
        if public:
            statuses.add(429)  # the gateway limits anonymous writes per address
    return statuses


class ProblemResponses(BasePlugin):
    """An apispec plugin documenting each operation's problem+json error responses (see error_statuses)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def init_spec(self, spec: APISpec) -> None:
        spec.components.schema("Problem", PROBLEM_SCHEMA)
        for name, description in RESPONSES.values():
            spec.components.response(name, {"description": description, "content": deepcopy(PROBLEM_CONTENT)})
        spec.components.response(*URI_TOO_LONG)

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        rule = kwargs.get("rule")  # flask-smorest passes the werkzeug Rule of the documented view
        if rule is None or not operations:
            return
        view = self.app.view_functions.get(rule.endpoint)
        for method, operation in operations.items():
            if method not in WRITES | {"get", "head", "options"}:
                continue
            query = any(p.get("in") in {"query", "header"} for p in operation.get("parameters", [])
                        if isinstance(p, dict))
            statuses = error_statuses(method, access_rule(view, method) if view else None,
                                      has_path_args=bool(rule.arguments), has_body="requestBody" in operation,
                                      has_query=query)
            responses = operation.setdefault("responses", {})
            # What a view declares itself (`@blp.alt_response(410, description=...)`) joins what it is given.
            declared = {int(code): responses.pop(code) for code in list(responses)
                        if str(code).isdigit() and int(code) >= 400}
            for status in sorted(statuses | set(declared)):
                responses[str(status)] = _problem(status, declared.get(status))


def _problem(status: int, declared: Any) -> str | dict[str, Any]:
    """The shared response of `status`, or the view's own description of it with the shared content."""
    if status == 414:
        return URI_TOO_LONG[0]
    description = declared.get("description") if isinstance(declared, dict) else None
    if description or status not in RESPONSES:
        return {"description": description or HTTPStatus(status).phrase, "content": deepcopy(PROBLEM_CONTENT)}
    return RESPONSES[status][0]  # also replaces flask-smorest's own 422 (a name), a JSON body we never send


def problem_api(app: Flask) -> Api:
    """flask-smorest's Api for `app`, documenting errors as problem+json (call before registering blueprints)."""
    api = Api(app, spec_kwargs={"extra_plugins": [ProblemResponses(app)]})
    api.DEFAULT_ERROR_RESPONSE_NAME = None  # its `default` response describes a JSON body we never send
    return api
