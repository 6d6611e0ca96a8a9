"""Booking tables. Every model is imported here so `Base.metadata` (migrations) sees them all."""
from booking.models.appointments import Appointment, AppointmentHistory, AppointmentSeries
from booking.models.base import ACTIVE_STATUSES, SESSION_STATUSES, SOURCES, STATUSES, Base
from booking.models.catalog import Closure, Room, ServiceType
from booking.models.people import ClientTherapist, ClientWindow, Therapist, TherapistService, TimeOff, WorkingHours
from booking.models.waitlist import ENTRY_STATUSES, OFFER_STATUSES, WaitlistEntry, WaitlistOffer

__all__ = [
    "ACTIVE_STATUSES", "SESSION_STATUSES", "SOURCES", "STATUSES", "ENTRY_STATUSES", "OFFER_STATUSES", "Base",
    "Appointment", "AppointmentHistory", "AppointmentSeries", "Closure", "Room", "ServiceType", "ClientTherapist",
    "ClientWindow", "Therapist", "TherapistService", "TimeOff", "WorkingHours", "WaitlistEntry", "WaitlistOffer",
]
