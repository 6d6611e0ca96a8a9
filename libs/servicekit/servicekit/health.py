"""Liveness and readiness (public, no details beyond up/down) and metrics (for our own networks only)."""
from __future__ import annotations

import socket
from urllib.parse import urlparse

from flask import Blueprint, current_app, jsonify

from servicekit.addresses import client_address, is_trusted
from servicekit.auth import PUBLIC, access
from servicekit.errors import NotFound, ServiceUnavailable
from servicekit.metrics import metrics_response

bp = Blueprint("health", __name__)


def broker_reachable(amqp_url: str, timeout: float = 1.0) -> bool:
    """A TCP connect to the broker: cheap enough for every readiness probe."""
    parsed = urlparse(amqp_url)
    port = parsed.port or (5671 if parsed.scheme == "amqps" else 5672)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


@bp.get("/healthz")
@access(PUBLIC)
def healthz():
    return jsonify(status="ok", service=current_app.extensions["servicekit.settings"].service)


@bp.get("/readyz")
@access(PUBLIC)
def readyz():
    settings = current_app.extensions["servicekit.settings"]
    try:
        current_app.extensions["servicekit.db"].ping()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        raise ServiceUnavailable("database unreachable") from exc
    if not broker_reachable(settings.amqp_url):
        raise ServiceUnavailable("message broker unreachable")
    return jsonify(status="ready", service=settings.service)


@bp.get("/metrics")
@access(PUBLIC)
def metrics():
    """For the monitoring inside our networks only: from outside (through the ingress) it does not exist."""
    settings = current_app.extensions["servicekit.settings"]
    if not is_trusted(client_address(settings.trusted_proxies), settings.trusted_proxies):
        raise NotFound("Not found.")
    return metrics_response(current_app.extensions["servicekit.db"])
