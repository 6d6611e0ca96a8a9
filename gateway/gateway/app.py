"""create_app() for the gateway: its own API (auth, users), the merged OpenAPI document and the proxy."""
from __future__ import annotations

from flask import Flask

from servicekit.webapp import create_service_app

from gateway import apidocs, audit, proxy, revocations
from gateway.api import blueprints
from gateway.config import GatewaySettings


def create_app(settings: GatewaySettings | None = None) -> Flask:
    settings = settings or GatewaySettings.from_env("gateway")
    # A token whose access has ended is a 401 before anything reads the request.
    app = create_service_app(settings, blueprints, title="Therapy center API",
                             access_checks=[revocations.refuse_ended_access])
    audit.install(app)  # before the proxy's routes: every request, its own or forwarded, is matched
    proxy.install(app, settings)
    apidocs.install(app)
    return app
