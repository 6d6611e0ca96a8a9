"""A small client for the public API, as a front-end or a script would use it."""
from __future__ import annotations

import time
from typing import Any, Callable

import requests

STAFF = {"front_desk": "frontdesk@sunnysteps.example", "biller": "biller@sunnysteps.example",
         "therapist": "amelie@sunnysteps.example"}


class Api:
    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base = base_url.rstrip("/")
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    @classmethod
    def login(cls, base_url: str, email: str, password: str) -> "Api":
        resp = requests.post(f"{base_url}/api/v1/auth/login", json={"email": email, "password": password},
                             timeout=10)
        assert resp.status_code == 200, resp.text
        return cls(base_url, resp.json()["access_token"])

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else f"{self.base}/api/v1{path}"
        return self.session.request(method, url, timeout=15, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, **kwargs)


def eventually(probe: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Poll until `probe()` returns something truthy (events take a moment to cross services)."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
