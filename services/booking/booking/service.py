"""The booking service as the shared runners see it."""
from servicekit.service import PeriodicJob, ServiceSpec

from booking.app import create_app
from booking.config import BookingSettings
from booking.handlers import handlers
from booking.offers import expire_holds

# Lapsed wait-list holds end and their slots go to the next family; accepting an expired offer is refused anyway.
WAITLIST_HOLDS = PeriodicJob("waitlist-holds", every=30.0, run=expire_holds)

SPEC = ServiceSpec(name="booking", package="booking", settings_class=BookingSettings, create_app=create_app,
                   handlers=handlers, periodic=(WAITLIST_HOLDS,))
