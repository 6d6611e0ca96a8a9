"""The only way out of web: one pooled HTTP client of the gateway's public API; problem+json -> exceptions.

Views never call `requests` themselves: they call `api()` (the signed-in user's client, see web.sessions),
which forwards the request id, adds the user's access token, refreshes it once on a 401, and raises one of
the exceptions below for an answer that is not a success.
"""
from __future__ import annotations

import logging
import os
import threading
import uuid
from http.cookiejar import DefaultCookiePolicy
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import requests

from servicekit.pooling import pooled_adapter

log = logging.getLogger(__name__)


@dataclass
class ApiError(Exception):
    """An answer of the gateway that is not a success, as problem+json describes it."""

    status: int
    title: str = ""
    detail: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    request_id: str = ""

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"

    @property
    def message(self) -> str:
        """What a person can read: the service's detail, else its title."""
        return self.detail or self.title


class Invalid(ApiError):
    """400/422: the input was refused; `errors` maps dotted field paths to messages."""


class SignInRequired(ApiError):
    """401: no valid session with the gateway any more."""


class NotAllowed(ApiError):
    """403: the role or the family does not allow it."""


class Missing(ApiError):
    """404."""


class Conflict(ApiError):
    """409: the state forbids it (a taken slot, a forbidden transition); `message` says why."""


class Unavailable(ApiError):
    """429/5xx or no answer: a service is down or slow; the page offers to try again."""


_BY_STATUS: dict[int, type[ApiError]] = {400: Invalid, 401: SignInRequired, 403: NotAllowed, 404: Missing,
                                         409: Conflict, 422: Invalid}


def error_from(status: int, body: Any, request_id: str) -> ApiError:
    """The exception for a failed answer (`body`: the decoded problem+json, or anything else)."""
    problem = body if isinstance(body, dict) else {}
    kind = _BY_STATUS.get(status) or (Unavailable if status >= 500 or status == 429 else Invalid)
    errors = problem.get("errors") if isinstance(problem.get("errors"), dict) else {}
    return kind(status, str(problem.get("title") or ""), str(problem.get("detail") or ""),
                {str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in errors.items()},
                str(problem.get("request_id") or request_id))


class Page(list):
    """A list answer; `next_cursor` (the `X-Next-Cursor` header) asks for the following page, None on the last."""

    def __init__(self, items: list[Any], next_cursor: str | None = None) -> None:
        super().__init__(items)
        self.next_cursor = next_cursor


@dataclass(frozen=True)
class Document:
    """A non-JSON answer (a PDF, a calendar file)."""

    content: bytes
    content_type: str
    filename: str | None = None


class Gateway:
    """A pooled client of the gateway (pools are opened per process, never across a fork)."""

    def __init__(self, base_url: str, timeout: float, connect_timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, timeout)
        self._session: requests.Session | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def _http(self) -> requests.Session:
        with self._lock:
            if self._pid != os.getpid() or self._session is None:
                session = requests.Session()
                session.trust_env = False
                session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # one client, many users
                # No retries but a dropped GET's (servicekit.pooling): a POST that reached the gateway must
                # never be sent twice.
                adapter = pooled_adapter(pool_maxsize=32)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                self._session, self._pid, self._pool = session, os.getpid(), None
            return self._session

    def executor(self) -> ThreadPoolExecutor:
        """Threads for independent calls of one page (created after fork, like the pool)."""
        self._http()
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="gateway")
            return self._pool

    def call(self, method: str, path: str, *, token: str | None = None, request_id: str | None = None,
             json: Any = None, params: dict[str, Any] | None = None, idempotency_key: str | None = None,
             forwarded_for: str | None = None, user_agent: str | None = None) -> Any:
        """One API call; the decoded JSON (None for 204), a Document for files, or an ApiError raised."""
        request_id = request_id or str(uuid.uuid4())
        headers = {"X-Request-ID": request_id, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        if user_agent:  # the browser's, so that a person's list of sessions names it (not python-requests)
            headers["User-Agent"] = user_agent
        url = f"{self.base_url}/api/v1/{path.lstrip('/')}"
        try:
            answer = self._http().request(method, url, json=json, params=_clean(params), headers=headers,
                                          timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            log.warning("%s %s failed: %s", method, path, exc.__class__.__name__)
            raise Unavailable(503, "Service Unavailable", "The system did not answer.", {}, request_id) from exc
        return _decode(answer, request_id)

    def parallel(self, calls: dict[str, Callable[[], Any]]) -> dict[str, Any]:
        """Run independent calls at once; the first failure is raised after all have finished."""
        if len(calls) <= 1:
            return {name: call() for name, call in calls.items()}
        futures = {name: self.executor().submit(call) for name, call in calls.items()}
        results, failure = {}, None
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except ApiError as exc:
                failure = failure or exc
        if failure is not None:
            raise failure
        return results


def _clean(params: dict[str, Any] | None) -> dict[str, Any] | None:
    """Drop empty filters: a form's blank select means 'any', not `?therapist_id=`."""
    if params is None:
        return None
    return {k: v for k, v in params.items() if v not in (None, "", [])}


def _decode(answer: requests.Response, request_id: str) -> Any:
    content_type = answer.headers.get("Content-Type", "")
    if 200 <= answer.status_code < 300:
        if answer.status_code == 204 or not answer.content:
            return None
        if "json" in content_type:
            body = answer.json()
            return Page(body, answer.headers.get("X-Next-Cursor")) if isinstance(body, list) else body
        disposition = answer.headers.get("Content-Disposition", "")
        filename = disposition.split("filename=", 1)[1].strip('"') if "filename=" in disposition else None
        return Document(answer.content, content_type, filename)
    try:
        body = answer.json()
    except ValueError:
        body = None
    error = error_from(answer.status_code, body, answer.headers.get("X-Request-ID", request_id))
    if answer.status_code >= 500:
        log.warning("gateway answered %s for %s: %s", answer.status_code, answer.request.path_url, error.message)
    raise error
