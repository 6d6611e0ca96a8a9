"""Events that tell a person something: each logs its messages in the delivery log (sending comes later)."""
from __future__ import annotations

import functools

from sqlalchemy.orm import Session

from servicekit import center
from servicekit.messaging import Envelope, HandlerRegistry

from notifications import notices, recipients
from notifications.config import NotificationsSettings

handlers = HandlerRegistry()

APPOINTMENT_EVENTS = ("appointment.booked", "appointment.confirmed", "appointment.rescheduled",
                      "appointment.cancel_requested", "appointment.cancel_withdrawn", "appointment.cancelled",
                      "appointment.completed", "appointment.no_show")


@functools.cache
def _settings() -> NotificationsSettings:
    """The center's name, time zone, links and reminder defaults (read once per process)."""
    return NotificationsSettings.from_env("notifications")


@handlers.on(center.EVENT)
def center_updated(session: Session, event: Envelope) -> None:
    center.keep(session, event.data)


@handlers.on("client.created")
def client_created(session: Session, event: Envelope) -> None:
    recipients.remember(session, event.data)


@handlers.on("client.updated")
def client_updated(session: Session, event: Envelope) -> None:
    recipients.remember(session, event.data)


def appointment_changed(session: Session, event: Envelope) -> None:
    """Every appointment event carries the same snapshot (events_v2): one handler serves them all."""
    notices.appointment_changed(session, _settings(), event)


for _event_type in APPOINTMENT_EVENTS:
    handlers.on(_event_type)(appointment_changed)


@handlers.on("opportunity.stage_changed")
def opportunity_stage_changed(session: Session, event: Envelope) -> None:
    notices.client_linked(session, _settings(), event)


@handlers.on("quotation.sent")
def quotation_sent(session: Session, event: Envelope) -> None:
    notices.quotation_sent(session, _settings(), event)


@handlers.on("quotation.signed")
def quotation_signed(session: Session, event: Envelope) -> None:
    notices.quotation_signed(session, _settings(), event)


@handlers.on("invoice.issued")
def invoice_issued(session: Session, event: Envelope) -> None:
    notices.invoice_issued(session, _settings(), event)


@handlers.on("invoice.paid")
def invoice_paid(session: Session, event: Envelope) -> None:
    notices.invoice_paid(session, _settings(), event)


@handlers.on("account.invited")
def account_invited(session: Session, event: Envelope) -> None:
    notices.account_invited(session, _settings(), event)


@handlers.on("waitlist.slot_offered")
def waitlist_offered(session: Session, event: Envelope) -> None:
    notices.waitlist_offered(session, _settings(), event)


@handlers.on("account.password_reset_requested")
def password_reset_requested(session: Session, event: Envelope) -> None:
    notices.password_reset_requested(session, _settings(), event)
