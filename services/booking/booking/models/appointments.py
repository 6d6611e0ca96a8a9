"""Appointments, the recurring series they may belong to, and the history of every change."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, SmallInteger, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from servicekit.db import UTCDateTime, UUIDStr, new_id, utcnow
from servicekit.limits import PERSON_NAME

from booking.models.base import Base, FamilyFields
from booking.models.catalog import ServiceType
from booking.models.people import Therapist


class AppointmentSeries(Base):
    """Weekly (or every N weeks) sessions at one local wall-clock time, booked together."""

    __tablename__ = "appointment_series"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    service_code: Mapped[str] = mapped_column(ForeignKey("service_types.code"))
    therapist_id: Mapped[str] = mapped_column(ForeignKey("therapists.id"))
    client_id: Mapped[str | None] = mapped_column(UUIDStr(), index=True)
    every_weeks: Mapped[int] = mapped_column(SmallInteger)
    count: Mapped[int | None] = mapped_column(SmallInteger)
    until: Mapped[dt.date | None] = mapped_column(Date)
    local_time: Mapped[dt.time] = mapped_column(Time)
    created_by: Mapped[str | None] = mapped_column(UUIDStr())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Appointment(FamilyFields, Base):
    """A session; the database refuses two active ones that overlap for a therapist, a room or a client."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ck_appointments_order"),
        Index("ix_appointments_therapist_start", "therapist_id", "start_at"),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    service_code: Mapped[str] = mapped_column(ForeignKey("service_types.code"))
    therapist_id: Mapped[str] = mapped_column(ForeignKey("therapists.id"))
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="booked", index=True)
    client_first_name: Mapped[str] = mapped_column(String(100))
    client_last_name: Mapped[str] = mapped_column(String(100))
    client_birth_date: Mapped[dt.date | None] = mapped_column(Date)
    guardian_first_name: Mapped[str] = mapped_column(String(100))
    guardian_last_name: Mapped[str] = mapped_column(String(100))
    guardian_email: Mapped[str] = mapped_column(String(254))
    guardian_phone: Mapped[str | None] = mapped_column(String(40))
    client_id: Mapped[str | None] = mapped_column(UUIDStr(), index=True)
    source: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    room_id: Mapped[str | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    series_id: Mapped[str | None] = mapped_column(ForeignKey("appointment_series.id"), index=True)
    # Buffers as the service type had them when booked: later rule changes do not move existing gaps.
    buffer_before_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    buffer_after_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A staff override books over conflicts and rules; the overlap constraints skip such rows.
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by: Mapped[str | None] = mapped_column(UUIDStr())
    override_by_name: Mapped[str | None] = mapped_column(String(PERSON_NAME))
    late_cancellation: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    cancel_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    status_before_cancel: Mapped[str | None] = mapped_column(String(20))
    therapist: Mapped[Therapist] = relationship(lazy="joined")
    service: Mapped[ServiceType] = relationship(lazy="joined")

    @property
    def therapist_name(self) -> str:
        return self.therapist.name

    @property
    def override(self) -> dict[str, Any] | None:
        if self.override_reason is None:
            return None
        return {"reason": self.override_reason, "by": self.override_by, "by_name": self.override_by_name}


class AppointmentHistory(Base):
    """One change of an appointment: status and/or time, who made it, when and why."""

    __tablename__ = "appointment_history"
    __table_args__ = (Index("ix_appointment_history_appointment", "appointment_id", "at"),)
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    appointment_id: Mapped[str] = mapped_column(ForeignKey("appointments.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    old_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    new_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    old_therapist_id: Mapped[str | None] = mapped_column(UUIDStr())
    new_therapist_id: Mapped[str | None] = mapped_column(UUIDStr())
    actor: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[str | None] = mapped_column(UUIDStr())
    actor_name: Mapped[str | None] = mapped_column(String(PERSON_NAME))
    reason: Mapped[str | None] = mapped_column(Text)
