"""One blueprint per resource."""
from booking.api.appointments import blp as appointments
from booking.api.calendar import blp as calendar
from booking.api.client_availability import blp as clients
from booking.api.closures import blp as closures
from booking.api.rooms import blp as rooms
from booking.api.series import blp as series
from booking.api.service_types import blp as service_types
from booking.api.slots import blp as slots
from booking.api.therapists import blp as therapists
from booking.api.waitlist import blp as waitlist

blueprints = [service_types, therapists, rooms, closures, clients, slots, appointments, series, waitlist, calendar]
