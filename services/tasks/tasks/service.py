"""The tasks service as the shared runners see it."""
from servicekit.service import ServiceSpec

from tasks.app import create_app
from tasks.config import TasksSettings
from tasks.handlers import handlers

SPEC = ServiceSpec(name="tasks", package="tasks", settings_class=TasksSettings, create_app=create_app,
                   handlers=handlers)
