"""The notifications service as the shared runners see it (plus its own dispatcher process)."""
from servicekit.service import ServiceSpec

from notifications.app import create_app
from notifications.config import NotificationsSettings
from notifications.handlers import handlers

SPEC = ServiceSpec(name="notifications", package="notifications", settings_class=NotificationsSettings,
                   create_app=create_app, handlers=handlers)
