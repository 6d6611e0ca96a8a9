"""Therapists (services, weekly hours, time off, calendar feed), clients' weekly windows and assignments."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, SmallInteger, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from servicekit.db import UTCDateTime, UUIDStr, new_id, utcnow

from booking.models.base import Base


class Therapist(Base):
    """A practitioner with the services they offer and their weekly working hours."""

    __tablename__ = "therapists"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # SHA-256 of the secret in the therapist's iCalendar feed URL; the secret itself is never stored.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64))
    services: Mapped[list["TherapistService"]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    working_hours: Mapped[list["WorkingHours"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan",
        order_by="(WorkingHours.weekday, WorkingHours.start_time)")

    @property
    def service_codes(self) -> list[str]:
        return sorted(s.service_code for s in self.services)


class TherapistService(Base):
    __tablename__ = "therapist_services"
    therapist_id: Mapped[str] = mapped_column(ForeignKey("therapists.id"), primary_key=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("service_types.code"), primary_key=True)


class WorkingHours(Base):
    """One weekly interval, in the center's local time (weekday 0 = Monday)."""

    __tablename__ = "working_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_working_hours_weekday"),
        CheckConstraint("start_time < end_time", name="ck_working_hours_order"),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    therapist_id: Mapped[str] = mapped_column(ForeignKey("therapists.id"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)


class TimeOff(Base):
    """A span a therapist does not work (holiday, sick leave, training)."""

    __tablename__ = "time_off"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ck_time_off_order"),
        Index("ix_time_off_therapist_start", "therapist_id", "start_at"),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    therapist_id: Mapped[str] = mapped_column(ForeignKey("therapists.id"))
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClientWindow(Base):
    """A weekly window (center-local) when a client can come; slot suggestions for the client stay inside."""

    __tablename__ = "client_windows"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_client_windows_weekday"),
        CheckConstraint("start_time < end_time", name="ck_client_windows_order"),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)


class ClientTherapist(Base):
    """Who treats a client for a service, learned from `task.assigned` (no foreign keys: event-carried)."""

    __tablename__ = "client_therapists"
    client_id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True)
    therapist_id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    task_id: Mapped[str | None] = mapped_column(UUIDStr())
    quotation_id: Mapped[str | None] = mapped_column(UUIDStr())
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
