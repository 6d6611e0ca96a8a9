"""create_app() for the tasks API."""
from __future__ import annotations

from flask import Flask

from servicekit.webapp import create_service_app

from tasks.api import blueprints
from tasks.config import TasksSettings


def create_app(settings: TasksSettings | None = None) -> Flask:
    settings = settings or TasksSettings.from_env("tasks")
    return create_service_app(settings, blueprints, title="Therapy center tasks")
