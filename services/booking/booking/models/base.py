"""The declarative base and the status sets every part of booking agrees on."""
from __future__ import annotations

from typing import Any

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


class FamilyFields:
    """The child and guardian a booking or a wait-list request carries, as the API nests them."""

    @property
    def client(self) -> dict[str, Any]:
        return {"first_name": self.client_first_name, "last_name": self.client_last_name,
                "birth_date": self.client_birth_date}

    @property
    def guardian(self) -> dict[str, Any]:
        return {"first_name": self.guardian_first_name, "last_name": self.guardian_last_name,
                "email": self.guardian_email, "phone": self.guardian_phone}
