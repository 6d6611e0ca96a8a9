"""create_app() for the gateway: its own API (auth, users), the merged OpenAPI document and the proxy."""
from __future__ import annotations

from flask import Flask

from servicekit.webapp import create_service_app

from gateway import apidocs, proxy, revocations
from gateway.api import blueprints
from gateway.config import GatewaySettings


def create_app(settings: GatewaySettings | None = None) -> Flask:
    settings = settings or GatewaySettings.from_env("gateway")
    app = create_service_app(settings, blueprints, title="Therapy center API")
    app.before_request(revocations.refuse_ended_access)  # after the token is read: ended sessions are 401
    proxy.install(app, settings)
    apidocs.install(app)
    return app
