"""create_app() for the sales API (and the family's review page at /q/<id>)."""
from __future__ import annotations

from flask import Flask

from servicekit.webapp import create_service_app

from sales.api import blueprints
from sales.config import SalesSettings
from sales.review import review_bp


def create_app(settings: SalesSettings | None = None) -> Flask:
    settings = settings or SalesSettings.from_env("sales")
    app = create_service_app(settings, blueprints, title="Therapy center sales")
    # The review page lives outside /api/v1 (it is what the e-mailed link opens), so it is registered here.
    app.register_blueprint(review_bp)
    return app
