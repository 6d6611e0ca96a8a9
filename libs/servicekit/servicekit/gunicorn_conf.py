"""Gunicorn settings shared by every service's gunicorn.conf.py (bind, workers, metrics cleanup)."""
from __future__ import annotations

import os
from typing import Any


def gunicorn_settings(package: str, default_port: int) -> dict[str, Any]:
    """Settings for `gunicorn -c <service>/gunicorn.conf.py`; the app is built in each worker after fork."""

    def child_exit(_server: Any, worker: Any) -> None:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(worker.pid)

    port = os.environ.get("PORT") or os.environ.get(f"{package.upper()}_PORT") or str(default_port)
    return {
        "wsgi_app": f"{package}.app:create_app()",
        "bind": os.environ.get("BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{port}"),
        "workers": int(os.environ.get("WEB_CONCURRENCY", "2")),
        "worker_class": "gthread",
        "threads": int(os.environ.get("WEB_THREADS", "4")),
        "timeout": 30,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": os.environ.get("ACCESS_LOG") or None,
        "child_exit": child_exit,
        **_control_socket(package),
    }


def _control_socket(package: str) -> dict[str, Any]:
    """Gunicorn's control socket (`gunicornc`), off unless GUNICORN_CONTROL_DIR names where to put it.

    By default every master binds $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl: on one machine the
    seven services' masters took the same path, the last one started answering for all (security review). We
    never use it, so it is closed; an operator who wants it gets one socket per service, owner-only.
    """
    directory = os.environ.get("GUNICORN_CONTROL_DIR")
    if not directory:
        return {"control_socket_disable": True}
    return {"control_socket": os.path.join(directory, f"{package}.ctl"), "control_socket_mode": 0o600}
