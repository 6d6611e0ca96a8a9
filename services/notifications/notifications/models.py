"""Notification tables: recipients, appointments, preferences, reminders, templates, links and the delivery log."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.center import center_copy
from servicekit.db import UTCDateTime, UUIDStr, new_id, utcnow
from servicekit.limits import FULL_NAME, PERSON_NAME

APPOINTMENT_KINDS = ("appointment_booked", "appointment_rescheduled", "appointment_cancelled",
                     "appointment_reminder")
STAFF_KINDS = ("staff_cancel_requested", "staff_cancel_withdrawn", "staff_cancelled")
DOCUMENT_KINDS = ("quotation_sent", "quotation_signed", "invoice_issued", "payment_confirmation")
# A wait-list offer is not stopped by an unsubscribe: the family asked for it, and it lapses within hours.
KINDS = APPOINTMENT_KINDS + DOCUMENT_KINDS + ("portal_invitation", "password_reset", "waitlist_offer") + STAFF_KINDS
# Reminders and appointment notices: what an unsubscribe link or a client's opt-out stops.
NON_ESSENTIAL_KINDS = frozenset(APPOINTMENT_KINDS)
CHANNELS = ("email", "sms")
STATUSES = ("queued", "sending", "sent", "failed", "skipped")
ACTIVE_APPOINTMENT = frozenset({"booked", "confirmed"})
REMINDER_STATUSES = ("pending", "fired", "cancelled", "stale")


class Base(DeclarativeBase):
    pass


center_copy.to_metadata(Base.metadata)  # the centre's details signing messages (center.updated)


class Recipient(Base):
    """Who receives a client's messages: the first guardian with an e-mail (from client.created/updated)."""

    __tablename__ = "recipients"
    client_id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True)
    client_name: Mapped[str] = mapped_column(String(FULL_NAME))
    guardian_name: Mapped[str] = mapped_column(String(FULL_NAME))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Appointment(Base):
    """The latest snapshot of an appointment from booking's events (reminders are checked against it)."""

    __tablename__ = "appointments"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True)
    client_id: Mapped[str | None] = mapped_column(UUIDStr(), index=True)
    status: Mapped[str] = mapped_column(String(20))
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    service_name: Mapped[str] = mapped_column(String(200), default="")
    therapist_name: Mapped[str] = mapped_column(String(200), default="")
    client_name: Mapped[str] = mapped_column(String(FULL_NAME), default="")
    guardian_name: Mapped[str] = mapped_column(String(FULL_NAME), default="")
    guardian_email: Mapped[str | None] = mapped_column(String(254))
    guardian_phone: Mapped[str | None] = mapped_column(String(40))
    # occurred_at of the event the snapshot came from: an older event arriving late never overwrites it.
    as_of: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReminderSetting(Base):
    """A client's reminder preferences: channels, lead time (None = off), contact overrides, opt-out."""

    __tablename__ = "reminder_settings"
    client_id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    lead_hours: Mapped[int | None] = mapped_column(Integer)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    timezone: Mapped[str | None] = mapped_column(String(64))
    opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Reminder(Base):
    """One scheduled reminder of one appointment on one channel; the dispatcher fires it when due."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_status_due", "status", "due_at"),)
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    appointment_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the start it reminds of, re-checked when fired
    lead_hours: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    fired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MessageTemplate(Base):
    """The admin-editable text of one kind of message (Jinja, sandboxed)."""

    __tablename__ = "message_templates"
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    sms_text: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class OptOut(Base):
    """An e-mail address that unsubscribed from reminders and appointment notices."""

    __tablename__ = "opt_outs"
    address: Mapped[str] = mapped_column(String(254), primary_key=True)  # lower-case
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class UsedLink(Base):
    """A confirm / cancel link that was used: each works once."""

    __tablename__ = "used_links"
    token_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    appointment_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    action: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SharedDocument(Base):
    """A quotation's or invoice's share-link token, so the dispatcher can fetch its PDF to attach it."""

    __tablename__ = "shared_documents"
    doc_type: Mapped[str] = mapped_column(String(20), primary_key=True)  # "quotation" | "invoice"
    doc_id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True)
    number: Mapped[str] = mapped_column(String(40), default="")
    access_token: Mapped[str] = mapped_column(String(200))
    recipient_email: Mapped[str | None] = mapped_column(String(254))
    recipient_name: Mapped[str] = mapped_column(String(PERSON_NAME), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ServiceSetting(Base):
    """Values every notifications process shares, e.g. the generated link-signing secret."""

    __tablename__ = "service_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Notification(Base):
    """One message in the delivery log: written before it is sent, updated by the dispatcher."""

    __tablename__ = "notifications"
    __table_args__ = (
        # A redelivered event can never queue the same message twice.
        UniqueConstraint("event_id", "channel", "recipient", name="uq_notification_event_channel_recipient"),
        Index("ix_notifications_status_next_attempt", "status", "next_attempt_at"),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(100))
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    recipient: Mapped[str] = mapped_column(String(254))  # "" when no address was on file
    recipient_name: Mapped[str] = mapped_column(String(PERSON_NAME), default="")
    client_id: Mapped[str | None] = mapped_column(UUIDStr(), index=True)
    appointment_id: Mapped[str | None] = mapped_column(UUIDStr(), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)  # personal links replaced by markers (notifications.personal_links)
    sealed_links: Mapped[list | None] = mapped_column(JSON)  # those links, until the message is sent
    status: Mapped[str] = mapped_column(String(20), default="queued")
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # the dispatcher holding a `sending` row
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_answer: Mapped[str | None] = mapped_column(Text)  # SMTP reply, SMS sid or the provider's error
    attachment_ref: Mapped[str | None] = mapped_column(String(80))  # "quotation/<id>" | "invoice/<id>"
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    context: Mapped[dict | None] = mapped_column(JSON)  # the template variables, to render the e-mail fallback
    fallback_to: Mapped[str | None] = mapped_column(String(254))  # SMS: the e-mail used if it cannot be sent
    fallback_of: Mapped[str | None] = mapped_column(UUIDStr())  # e-mail: the SMS it replaces
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
