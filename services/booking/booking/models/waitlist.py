"""The wait list: families asking for an earlier slot, and the offers (holds) made to them."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from servicekit.db import UTCDateTime, UUIDStr, new_id, utcnow

from booking.models.base import Base, FamilyFields

ENTRY_STATUSES = ("waiting", "offered", "booked", "removed")
OFFER_STATUSES = ("open", "accepted", "expired", "withdrawn")


class WaitlistEntry(FamilyFields, Base):
    """A request for a slot of a service (optionally one therapist, within weekly windows), first come first served."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (Index("ix_waitlist_entries_service_status", "service_code", "status", "created_at"),)
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    service_code: Mapped[str] = mapped_column(ForeignKey("service_types.code"))
    therapist_id: Mapped[str | None] = mapped_column(ForeignKey("therapists.id"))
    client_id: Mapped[str | None] = mapped_column(UUIDStr(), index=True)
    client_first_name: Mapped[str] = mapped_column(String(100))
    client_last_name: Mapped[str] = mapped_column(String(100))
    client_birth_date: Mapped[dt.date | None] = mapped_column(Date)
    guardian_first_name: Mapped[str] = mapped_column(String(100))
    guardian_last_name: Mapped[str] = mapped_column(String(100))
    guardian_email: Mapped[str] = mapped_column(String(254))
    guardian_phone: Mapped[str | None] = mapped_column(String(40))
    # [{"weekday": 0, "start": "09:00", "end": "12:00"}] in center-local time; empty: any time.
    windows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    appointment_id: Mapped[str | None] = mapped_column(UUIDStr())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WaitlistOffer(Base):
    """A freed slot offered to one entry, held for it by a `held` appointment until `hold_until`."""

    __tablename__ = "waitlist_offers"
    __table_args__ = (
        Index("ix_waitlist_offers_slot", "therapist_id", "start_at"),
        Index("ix_waitlist_offers_status_hold", "status", "hold_until"),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(ForeignKey("waitlist_entries.id"), index=True)
    appointment_id: Mapped[str | None] = mapped_column(UUIDStr())
    therapist_id: Mapped[str] = mapped_column(UUIDStr())
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    hold_until: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
