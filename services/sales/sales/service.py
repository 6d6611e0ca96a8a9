"""The sales service as the shared runners see it."""
from servicekit.service import ServiceSpec

from sales.app import create_app
from sales.config import SalesSettings
from sales.handlers import handlers

SPEC = ServiceSpec(name="sales", package="sales", settings_class=SalesSettings, create_app=create_app,
                   handlers=handlers)
