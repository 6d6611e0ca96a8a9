"""create_app() for the booking API."""
from __future__ import annotations

from flask import Flask

from servicekit.webapp import create_service_app

from booking.api import blueprints
from booking.config import BookingSettings


def create_app(settings: BookingSettings | None = None) -> Flask:
    settings = settings or BookingSettings.from_env("booking")
    return create_service_app(settings, blueprints, title="Therapy center booking")
