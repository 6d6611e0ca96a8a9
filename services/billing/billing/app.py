"""create_app() for the billing API."""
from __future__ import annotations

from flask import Flask

from servicekit.webapp import create_service_app

from billing.api import blueprints
from billing.config import BillingSettings


def create_app(settings: BillingSettings | None = None) -> Flask:
    settings = settings or BillingSettings.from_env("billing")
    return create_service_app(settings, blueprints, title="Therapy center billing")
