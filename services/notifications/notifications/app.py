"""create_app() for the notifications API (and the pages the links in messages open, under /r/)."""
from __future__ import annotations

from flask import Flask

from servicekit.webapp import create_service_app

from notifications.api import blueprints
from notifications.config import NotificationsSettings
from notifications.pages import pages_bp


def create_app(settings: NotificationsSettings | None = None) -> Flask:
    settings = settings or NotificationsSettings.from_env("notifications")
    app = create_service_app(settings, blueprints, title="Therapy center notifications")
    # The link pages live outside /api/v1 (the gateway forwards /r/... here), so they are registered here.
    app.register_blueprint(pages_bp)
    return app
