"""The gateway as the shared runners see it."""
from servicekit.service import ServiceSpec

from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.handlers import handlers

SPEC = ServiceSpec(name="gateway", package="gateway", settings_class=GatewaySettings, create_app=create_app,
                   handlers=handlers)
