"""The centre's name as the gateway stores it (an org_admin may rename it): every page's title and header.

Read anonymously from `GET /center` and kept for a minute per process, so a rename shows within a minute and
a page never waits on it twice; if the gateway does not answer, the configured CENTER_NAME is shown.
"""
from __future__ import annotations

import logging
import threading
import time

from flask import current_app

from web.gateway import ApiError

log = logging.getLogger(__name__)
TTL = 60.0


class CenterName:
    def __init__(self) -> None:
        self._value: str | None = None
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def get(self) -> str:
        with self._lock:
            if self._value is not None and time.monotonic() - self._fetched_at < TTL:
                return self._value
        gateway, settings = current_app.extensions["web.gateway"], current_app.extensions["web.settings"]
        try:
            value = str((gateway.call("GET", "center") or {}).get("name") or settings.center_name)
        except ApiError as exc:
            # Keep what we had (or the configured name) for the same minute: a gateway that is away must not
            # cost every page, the "try again" page included, two more blocking calls.
            value = self._value or settings.center_name
            log.warning("the centre's name could not be read (%s); showing %r", exc, value)
        with self._lock:
            self._value, self._fetched_at = value, time.monotonic()
        return value


def install(app) -> None:
    app.jinja_env.globals["center_name"] = CenterName().get
