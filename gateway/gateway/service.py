"""The gateway as the shared runners see it."""
from servicekit.service import PeriodicJob, ServiceSpec

from gateway.app import create_app
from gateway.audit_log import purge
from gateway.config import GatewaySettings
from gateway.handlers import handlers

# The audit log keeps AUDIT_RETENTION_YEARS: older lines go, once a day (and when the relay starts).
AUDIT_RETENTION = PeriodicJob("audit-retention", every=24 * 3600.0, run=purge)

SPEC = ServiceSpec(name="gateway", package="gateway", settings_class=GatewaySettings, create_app=create_app,
                   handlers=handlers, periodic=(AUDIT_RETENTION,))
