"""The billing service as the shared runners see it."""
from servicekit.service import ServiceSpec

from billing.app import create_app
from billing.config import BillingSettings
from billing.handlers import handlers

SPEC = ServiceSpec(name="billing", package="billing", settings_class=BillingSettings, create_app=create_app,
                   handlers=handlers)
