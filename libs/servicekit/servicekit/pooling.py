"""Pooled HTTP connections between our own processes, and the one retry that is always safe on them.

Gunicorn closes an idle keep-alive connection after a few seconds; a request sent on it at that very moment
fails with "connection reset" although the server never saw it. Such a GET is sent once more on a fresh
connection. Nothing else is retried: a POST may have been acted on, and a read timeout means a slow service.
"""
from __future__ import annotations

from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry


class RetryDroppedGet(Retry):
    """urllib3's Retry limited to one more try of a GET whose connection was dropped under it."""

    def __init__(self, **kwargs: Any) -> None:
        settings = {"total": 1, "connect": 0, "read": 1, "status": 0, "redirect": 0, "other": 0,
                    "allowed_methods": frozenset({"GET"}), "raise_on_status": False}
        super().__init__(**{**settings, **kwargs})

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if isinstance(error, ReadTimeoutError):
            raise error  # slow, not dropped: waiting twice as long helps nobody
        return super().increment(method, url, response, error, _pool, _stacktrace)


def pooled_adapter(pool_maxsize: int = 32) -> HTTPAdapter:
    """An adapter for one upstream: a pool of keep-alive connections, a dropped GET sent once more."""
    return HTTPAdapter(pool_connections=1, pool_maxsize=pool_maxsize, max_retries=RetryDroppedGet())
