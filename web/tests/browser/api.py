"""The public API as a test's data maker: one client and one way to wait for an event to land."""
from __future__ import annotations

import time
import uuid
from typing import Any, Callable

import requests


class Api:
    """The public API as one person: a role of the demo centre (`"front_desk"`), a Login, or nobody (None)."""

    def __init__(self, system, who: Any = None) -> None:
        self.base = f"{system.url}/api/v1"
        self.http = requests.Session()
        login = system.login(who) if isinstance(who, str) else who
        if login is not None:
            answer = self.http.post(f"{self.base}/auth/login", timeout=15,
                                    json={"email": login.email, "password": login.password})
            assert answer.status_code == 200, answer.text
            self.http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Any call, its answer as it came (`path` relative to /api/v1, with or without a leading slash)."""
        return self.http.request(method, f"{self.base}/{path.lstrip('/')}", timeout=20, **kwargs)

    def get(self, path: str, **params: Any) -> Any:
        answer = self.call("GET", path, params=params)
        assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def post(self, path: str, body: Any = None, expect: int = 201, **params: Any) -> Any:
        """POST that must answer `expect`; its JSON (None when empty)."""
        answer = self.send(path, body, **params)
        assert answer.status_code == expect, f"POST {path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None

    def send(self, path: str, body: Any = None, **params: Any) -> requests.Response:
        """POST whatever it answers (the test looks at the status itself)."""
        return self.call("POST", path, json=body if body is not None else {}, params=params)


def eventually(probe: Callable[[], Any], what: str = "the expected outcome", timeout: float = 45.0) -> Any:
    """Poll `probe` until it returns something truthy (an event crossing the broker), failing after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.25)


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"
