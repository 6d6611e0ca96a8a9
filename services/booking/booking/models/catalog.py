"""Service types with their booking rules, rooms and center closures."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from servicekit.db import UTCDateTime, UUIDStr, new_id, utcnow

from booking.models.base import Base


class ServiceType(Base):
    """A kind of session the center offers (e.g. OT, 60 minutes) and the rules for booking it."""

    __tablename__ = "service_types"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    buffer_before_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    buffer_after_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    min_notice_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    horizon_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    # None: slots start every `duration_minutes` from the start of each working interval.
    granularity_minutes: Mapped[int | None] = mapped_column(Integer)
    late_cancel_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    room_type: Mapped[str | None] = mapped_column(String(40))

    @property
    def step_minutes(self) -> int:
        return self.granularity_minutes or self.duration_minutes


class Room(Base):
    """A bookable room (capacity 1) of a type, e.g. "sensory gym"."""

    __tablename__ = "rooms"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    room_type: Mapped[str] = mapped_column(String(40), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Closure(Base):
    """A span when the whole center is closed (holiday, training day)."""

    __tablename__ = "closures"
    __table_args__ = (CheckConstraint("end_at > start_at", name="ck_closures_order"),)
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
