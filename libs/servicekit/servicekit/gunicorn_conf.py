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
    }
