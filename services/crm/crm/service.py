"""The CRM service as the shared runners see it."""
from servicekit.service import ServiceSpec

from crm.app import create_app
from crm.config import CrmSettings
from crm.handlers import handlers

SPEC = ServiceSpec(name="crm", package="crm", settings_class=CrmSettings, create_app=create_app, handlers=handlers)
