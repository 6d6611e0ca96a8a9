"""create_app() for the CRM API."""
from __future__ import annotations

from flask import Flask

from servicekit.webapp import create_service_app

from crm.api import blueprints
from crm.config import CrmSettings


def create_app(settings: CrmSettings | None = None) -> Flask:
    settings = settings or CrmSettings.from_env("crm")
    return create_service_app(settings, blueprints, title="Therapy center CRM")
