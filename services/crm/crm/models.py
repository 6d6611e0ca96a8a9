"""CRM tables: clients, contacts (guardians and circle of care), opportunities, activities."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from servicekit.db import UTCDateTime, UUIDStr, new_id, utcnow

CLIENT_STATUSES = ("prospect", "active", "inactive")
STAGES = ("new", "quoted", "won", "lost")


class Base(DeclarativeBase):
    pass


class Client(Base):
    """A child (or adult) receiving therapy."""

    __tablename__ = "clients"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="prospect")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    links: Mapped[list["ClientContact"]] = relationship(back_populates="client", lazy="selectin",
                                                        cascade="all, delete-orphan")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def guardians(self) -> list["Contact"]:
        return [link.contact for link in self.links if link.kind == "guardian"]


class Contact(Base):
    """A person around a client: guardian, teacher, doctor..."""

    __tablename__ = "contacts"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), index=True)  # stored lower-case
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClientContact(Base):
    __tablename__ = "client_contacts"
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), default="guardian")  # guardian, teacher, doctor...
    client: Mapped[Client] = relationship(back_populates="links")
    contact: Mapped[Contact] = relationship(lazy="joined")


class Opportunity(Base):
    """A family's journey from a booking inquiry to a signed quotation."""

    __tablename__ = "opportunities"
    # One opportunity per booking, and one for a whole weekly series (its first session opens it).
    __table_args__ = (UniqueConstraint("appointment_id", name="uq_opportunity_appointment"),
                      UniqueConstraint("series_id", name="uq_opportunity_series"))
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    contact_id: Mapped[str | None] = mapped_column(ForeignKey("contacts.id"))
    appointment_id: Mapped[str | None] = mapped_column(UUIDStr())
    series_id: Mapped[str | None] = mapped_column(UUIDStr())
    service_code: Mapped[str | None] = mapped_column(String(20))
    therapist_id: Mapped[str | None] = mapped_column(UUIDStr())
    appointment_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(20), default="front_desk")
    stage: Mapped[str] = mapped_column(String(20), default="new", index=True)
    quotation_id: Mapped[str | None] = mapped_column(UUIDStr())
    lost_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    client: Mapped[Client] = relationship(lazy="joined")


class Activity(Base):
    """One line of a client's timeline (booking, quotation sent, signed, invoice paid...)."""

    __tablename__ = "activities"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    opportunity_id: Mapped[str | None] = mapped_column(UUIDStr())
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

