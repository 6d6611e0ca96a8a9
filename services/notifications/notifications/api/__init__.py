"""One blueprint per resource."""
from notifications.api.notifications import blp as notifications
from notifications.api.reminder_settings import blp as reminder_settings
from notifications.api.templates import blp as notification_templates

blueprints = [notifications, reminder_settings, notification_templates]
