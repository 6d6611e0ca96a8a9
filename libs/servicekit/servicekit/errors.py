"""Domain errors and their one mapping to RFC 9457 `application/problem+json` responses."""
from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask, Response, json, request
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from servicekit import context

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error a caller can act on. Subclasses fix the HTTP status."""

    status = 400
    title = "Bad Request"

    def __init__(self, detail: str, *, errors: Mapping[str, list[str]] | None = None,
                 headers: Mapping[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers or {})
        self.extra = extra


class BadRequest(Problem):
    status, title = 400, "Bad Request"


class Unauthorized(Problem):
    status, title = 401, "Unauthorized"

    def __init__(self, detail: str = "Authentication required: send 'Authorization: Bearer <access token>'.",
                 **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(Problem):
    status, title = 403, "Forbidden"


class NotFound(Problem):
    status, title = 404, "Not Found"


class Conflict(Problem):
    status, title = 409, "Conflict"


class Gone(Problem):
    status, title = 410, "Gone"


class Unprocessable(Problem):
    status, title = 422, "Unprocessable Content"


class ServiceUnavailable(Problem):
    status, title = 503, "Service Unavailable"


def field_error(field: str, message: str) -> Unprocessable:
    """A 422 naming one field, e.g. `field_error("service_code", "unknown service type 'XX'")`."""
    return Unprocessable(f"{field}: {message}", errors={field: [message]})


def not_found(kind: str, ident: Any) -> NotFound:
    return NotFound(f"{kind} {ident} does not exist.")


def flatten_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow/webargs nested error dicts into `{"client.first_name": ["..."]}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            # webargs nests under the request location ("json", "query"): drop it from the field path.
            if not prefix and key in {"json", "query", "querystring", "form", "files", "headers", "view_args"}:
                flat.update(flatten_errors(value, ""))
                continue
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, name))
    elif isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        flat[prefix or "_schema"] = list(errors)
    elif isinstance(errors, list):
        for value in errors:
            flat.update(flatten_errors(value, prefix))
    else:
        flat[prefix or "_schema"] = [str(errors)]
    return flat


def problem_response(status: int, title: str, detail: str, *, errors: Mapping[str, list[str]] | None = None,
                     headers: Mapping[str, str] | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = dict(errors)
    try:
        body["instance"] = request.path
    except RuntimeError:
        pass
    body["request_id"] = context.correlation_id.get()
    body.update(extra)
    resp = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _describe_validation(errors: dict[str, list[str]]) -> str:
    parts = [f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()]
    return "Invalid input — " + "; ".join(parts)


def handle_problem(exc: Problem) -> Response:
    return problem_response(exc.status, exc.title, exc.detail, errors=exc.errors, headers=exc.headers, **exc.extra)


def handle_http_exception(exc: HTTPException) -> Response:
    data = getattr(exc, "data", None) or {}
    status = exc.code or 500
    if data.get("messages") or data.get("errors"):
        errors = flatten_errors(data.get("errors") or data.get("messages"))
        # Shape errors (missing/wrong fields) are 422; a body that is not JSON at all stays 400.
        return problem_response(status, exc.name, _describe_validation(errors), errors=errors)
    if status >= 500:
        log.error("unhandled HTTP %s: %s", status, exc.description)
    detail = data.get("message") or exc.description or exc.name
    headers = dict(data.get("headers") or {})
    if getattr(exc, "valid_methods", None):  # a 405 says which methods the resource has (RFC 9110)
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return problem_response(status, exc.name, str(detail), headers=headers)


def handle_validation_error(exc: ValidationError) -> Response:
    errors = flatten_errors(exc.messages)
    return problem_response(422, "Unprocessable Content", _describe_validation(errors), errors=errors)


def handle_integrity_error(exc: IntegrityError) -> Response:
    # A unique or exclusion constraint lost a race the code had checked for: the state conflicts.
    log.info("integrity error mapped to 409: %s", exc.orig)
    return problem_response(409, "Conflict", "The request conflicts with the current state of the resource.")


def handle_db_unavailable(exc: DBAPIError | PoolTimeout) -> Response:
    log.error("database unavailable: %s", exc)
    return problem_response(503, "Service Unavailable",
                            "The database is unavailable right now; retry in a few seconds.",
                            headers={"Retry-After": "5"})


def handle_too_deep(exc: RecursionError) -> Response:
    # In a request, the one way to exhaust the stack is a JSON body nested hundreds of levels deep: the parser
    # recurses per level. Logged with its trace all the same, in case some code of ours ever recursed instead.
    log.warning("request refused: recursion limit reached (a JSON body nested too deeply?)", exc_info=exc)
    return problem_response(400, "Bad Request", "The request body is nested too deeply to be read.")


def handle_out_of_range(exc: OverflowError) -> Response:
    # Dates in year 1 or 9999 pass the schemas but overflow when moved to UTC or a time zone.
    # A safety net, with its trace (the schemas' date fields do not bound the year yet): a bug of ours shows here.
    log.warning("out of range: %s", exc, exc_info=exc)
    return problem_response(422, "Unprocessable Content",
                            "A date or time is out of the range this system handles; use a year between 1900 and 2200.")


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unhandled error")
    return problem_response(500, "Internal Server Error", "An unexpected error occurred; it has been logged.")


def register_error_handlers(app: Flask) -> None:
    """Every error leaves the service as problem+json; the mapping lives here and nowhere else."""
    app.register_error_handler(Problem, handle_problem)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(OperationalError, handle_db_unavailable)
    app.register_error_handler(PoolTimeout, handle_db_unavailable)
    app.register_error_handler(RecursionError, handle_too_deep)
    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(Exception, handle_unexpected)
