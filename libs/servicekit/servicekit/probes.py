"""Liveness and readiness of a background worker (consumer, relay, dispatcher) over plain HTTP.

The worker calls `beat()` whenever its loop makes progress (idle loops included) and `ready(flag, reason)` as
its connections come and go; `serve(port, host)` answers the orchestrator's probes from a daemon thread:

    GET /healthz  200 {"status": "ok"} while the last beat is younger than `stale_after`, else 503
    GET /readyz   200 {"status": "ready"} when ready, else 503 with the reason

Standard library only: a worker has no web framework and needs none for two fixed answers.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

STALE_AFTER = 90.0  # seconds without a beat before /healthz reports the worker stuck


class Probe:
    """What the worker last reported about itself; served over HTTP only once `serve()` is called."""

    def __init__(self, stale_after: float = STALE_AFTER, clock: Callable[[], float] = time.monotonic) -> None:
        self.stale_after, self._clock = stale_after, clock
        self._lock = threading.Lock()
        self._last_beat = clock()
        self._ready, self._reason = False, "starting"
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- what the worker reports ------------------------------------------------------------------
    def beat(self) -> None:
        """The worker's loop made progress just now."""
        self._last_beat = self._clock()

    def ready(self, flag: bool, reason: str = "") -> None:
        """Ready to do its work (connected, consuming), or not and why."""
        with self._lock:
            self._ready, self._reason = flag, "" if flag else (reason or "not ready")

    # -- what the probes see ----------------------------------------------------------------------
    def health(self) -> tuple[int, dict]:
        age = self._clock() - self._last_beat
        if age <= self.stale_after:
            return 200, {"status": "ok"}
        return 503, {"status": "stale", "last_beat_seconds_ago": round(age, 1), "limit_seconds": self.stale_after}

    def readiness(self) -> tuple[int, dict]:
        with self._lock:
            ready, reason = self._ready, self._reason
        return (200, {"status": "ready"}) if ready else (503, {"status": "not ready", "reason": reason})

    # -- serving ----------------------------------------------------------------------------------
    def serve(self, port: int, host: str = "127.0.0.1") -> int:
        """Answer /healthz and /readyz on `host:port` from a daemon thread; returns the port bound (0: any).

        Raises RuntimeError at once when the address cannot be bound, instead of running unprobeable.
        """
        if self._server is not None:
            raise RuntimeError("this probe is already served")
        try:
            server = ThreadingHTTPServer((host, port), _Handler)
        except (OSError, OverflowError) as exc:
            raise RuntimeError(f"health endpoint cannot listen on {host}:{port}: {exc}") from exc
        server.daemon_threads = True
        server.probe = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="health-probe", daemon=True)
        self._thread.start()
        bound = server.server_address[1]
        log.info("health endpoint listening on %s:%d (/healthz, /readyz)", host, bound)
        return bound

    def close(self) -> None:
        """Stop serving (tests; a worker process simply exits)."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None


class _Handler(BaseHTTPRequestHandler):
    server_version = "servicekit-probe"

    def do_GET(self) -> None:  # noqa: N802 - BaseHTTPRequestHandler's hook name
        probe: Probe = self.server.probe  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        if path == "/healthz":
            status, body = probe.health()
        elif path == "/readyz":
            status, body = probe.readiness()
        else:
            status, body = 404, {"status": "not found"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's signature
        """Silent: a probe every few seconds would drown the worker's own log."""
