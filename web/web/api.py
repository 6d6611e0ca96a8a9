"""The gateway as the person using the page: their token, the request id, one locked refresh on a 401."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from flask import current_app, g, request, session

from web.gateway import Gateway, SignInRequired
from web.sessions import SessionStore


class UserApi:
    """API calls on behalf of the current session (anonymous when nobody is signed in).

    Everything it needs is captured when it is made, so `parallel()` can run calls on other threads.
    """

    def __init__(self, gateway: Gateway, store: SessionStore, key: str | None, request_id: str,
                 forwarded_for: str | None, user_agent: str | None = None) -> None:
        self.gateway, self.store, self.key = gateway, store, key
        self.request_id, self.forwarded_for, self.user_agent = request_id, forwarded_for, user_agent
        self.waited = 0.0  # seconds this request spent waiting for the gateway (Server-Timing: what web adds)
        self._depth, self._since, self._lock = 0, 0.0, threading.Lock()

    def _token(self, stale: str | None = None) -> str | None:
        return self.store.access_token(self.key, self.gateway, stale=stale) if self.key else None

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One call; a refused access token is refreshed (under the session's lock) and the call made again."""
        with self._timed():
            return self._call(method, path, **kwargs)

    def _timed(self):
        return _Waiting(self)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        token = self._token()
        try:
            return self.gateway.call(method, path, token=token, request_id=self.request_id,
                                     forwarded_for=self.forwarded_for, user_agent=self.user_agent, **kwargs)
        except SignInRequired:
            if token is None:
                raise
        return self.gateway.call(method, path, token=self._token(stale=token), request_id=self.request_id,
                                 forwarded_for=self.forwarded_for, user_agent=self.user_agent, **kwargs)

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, params=params)

    def post(self, path: str, json: Any = None, *, idempotency_key: str | None = None) -> Any:
        return self.call("POST", path, json=json if json is not None else {}, idempotency_key=idempotency_key)

    def put(self, path: str, json: Any) -> Any:
        return self.call("PUT", path, json=json)

    def patch(self, path: str, json: Any) -> Any:
        return self.call("PATCH", path, json=json)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)

    def parallel(self, **calls: Callable[[], Any]) -> dict[str, Any]:
        """Independent calls of one page at once: `api().parallel(a=lambda: ..., b=lambda: ...)`."""
        with self._timed():
            return self.gateway.parallel(calls)


class _Waiting:
    """Counts wall time spent waiting for the gateway once, however the calls nest or overlap."""

    def __init__(self, client: UserApi) -> None:
        self.client = client

    def __enter__(self) -> None:
        with self.client._lock:
            self.client._depth += 1
            if self.client._depth == 1:
                self.client._since = time.perf_counter()

    def __exit__(self, *_exc: object) -> None:
        with self.client._lock:
            self.client._depth -= 1
            if self.client._depth == 0:
                self.client.waited += time.perf_counter() - self.client._since


def server_timing(response):
    """`Server-Timing: api;dur=…, app;dur=…`: the time waiting for the gateway and the time web itself added."""
    started = g.get("started_at")
    if started is not None:
        total = (time.perf_counter() - started) * 1000
        waited = g.user_api.waited * 1000 if "user_api" in g else 0.0
        response.headers["Server-Timing"] = f"api;dur={waited:.1f}, app;dur={max(total - waited, 0.0):.1f}"
    return response


def start_timing() -> None:
    g.started_at = time.perf_counter()


def api() -> UserApi:
    """The current request's client of the gateway."""
    if "user_api" not in g:
        # Only a signed-in session has tokens; an anonymous one (the sign-in page's CSRF) calls anonymously.
        key = session.key if getattr(session, "user", None) else None
        g.user_api = UserApi(current_app.extensions["web.gateway"], current_app.extensions["web.sessions"],
                             key, g.request_id, request.remote_addr, request.user_agent.string or None)
    return g.user_api
