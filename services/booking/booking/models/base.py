"""The declarative base and the status sets every part of booking agrees on."""
from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

# held: a wait-list offer keeps the slot for one family until it accepts or the hold expires.
STATUSES = ("held", "booked", "confirmed", "pending_cancel", "cancelled", "completed", "no_show")
# These hold their time slot: the overlap constraints, the slot search and the conflict checks use this set.
ACTIVE_STATUSES = ("held", "booked", "confirmed", "pending_cancel")
# Sessions that take (or took) place: what planning counts as booked time.
SESSION_STATUSES = ("booked", "confirmed", "pending_cancel", "completed", "no_show")
SOURCES = ("online", "front_desk", "portal")


class Base(DeclarativeBase):
    pass
