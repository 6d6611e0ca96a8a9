"""Reminders: rows scheduled from appointment events and preferences, fired by the dispatcher when due.

The schedule lives in the database, so it survives restarts. A reminder is re-checked when it fires: the
appointment must still be booked or confirmed and start when it did when the reminder was scheduled.
"""
from __future__ import annotations

import datetime as dt
import logging

from prometheus_client import Counter
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import contexts, messages, preferences
from notifications.appointments import is_active, upcoming_of_client
from notifications.config import NotificationsSettings
from notifications.delivery_log import Source
from notifications.models import Appointment, Reminder, ReminderSetting

log = logging.getLogger(__name__)

BATCH_SIZE = 50
REMINDERS = Counter("notifications_reminders", "Reminders that came due, by outcome (fired or stale)", ["outcome"])
Key = tuple[str, dt.datetime, dt.datetime]  # channel, due_at, start_at


def due_at(start: dt.datetime, lead_hours: int) -> dt.datetime:
    """`lead_hours` of elapsed (UTC) time before the start: '24 h before' is 24 real hours, even across DST."""
    return start.astimezone(dt.timezone.utc) - dt.timedelta(hours=lead_hours)


def event_id(appointment_id: str, start: dt.datetime) -> str:
    """The delivery log's event id of one appointment's reminder at one start time (one per channel)."""
    return f"reminder:{appointment_id}:{int(start.timestamp())}"


def _wanted(session: Session, appointment: Appointment, settings: NotificationsSettings) -> dict[Key, int]:
    if not is_active(appointment):
        return {}
    row = session.get(ReminderSetting, appointment.client_id) if appointment.client_id else None
    chosen = preferences.plan(row, settings)
    if chosen.lead_hours is None:
        return {}
    due = due_at(appointment.start_at, chosen.lead_hours)
    return {(channel, due, appointment.start_at): chosen.lead_hours for channel in chosen.channels}


def sync(session: Session, appointment: Appointment, settings: NotificationsSettings, now: dt.datetime,
         correlation_id: str | None = None) -> list[Reminder]:
    """Make the appointment's pending reminders match its state and its client's choice; the pending ones."""
    wanted = _wanted(session, appointment, settings)
    kept: dict[Key, Reminder] = {}
    for reminder in session.scalars(select(Reminder).where(
            Reminder.appointment_id == appointment.id, Reminder.status == "pending").with_for_update()):
        key = (reminder.channel, reminder.due_at, reminder.start_at)
        if key in wanted and key not in kept:
            kept[key] = reminder
        else:
            reminder.status = "cancelled"  # moved, cancelled, or the family changed its choice
    for key, lead in wanted.items():
        # Booked (or moved) inside the lead time: the booking notice tells the family, no late reminder.
        if key not in kept and key[1] > now:
            kept[key] = Reminder(appointment_id=appointment.id, channel=key[0], due_at=key[1], start_at=key[2],
                                 lead_hours=lead, status="pending", correlation_id=correlation_id)
            session.add(kept[key])
    session.flush()
    return list(kept.values())


def sync_client(session: Session, client_id: str, settings: NotificationsSettings, now: dt.datetime,
                correlation_id: str | None = None) -> None:
    """Re-plan the reminders of every upcoming appointment of a client (after a preference change)."""
    for appointment in upcoming_of_client(session, client_id, now):
        sync(session, appointment, settings, now, correlation_id)


def _appointment(session: Session, appointment_id: str, skip_locked: bool) -> Appointment | None:
    # Skip an appointment an event is changing right now (it is retried next round): never wait on it while
    # holding reminder locks, the reverse of the consumer's order.
    stmt = select(Appointment).where(Appointment.id == appointment_id).with_for_update(skip_locked=skip_locked)
    return session.scalars(stmt.execution_options(populate_existing=True)).first()


def _fire(session: Session, settings: NotificationsSettings, reminder: Reminder, now: dt.datetime,
          skip_locked: bool) -> None:
    appointment = _appointment(session, reminder.appointment_id, skip_locked)
    if appointment is None:
        return
    if not is_active(appointment) or appointment.start_at != reminder.start_at or appointment.start_at <= now:
        reminder.status = "stale"
        REMINDERS.labels("stale").inc()
        log.info("reminder %s not sent: appointment %s is %s at %s", reminder.id, appointment.id,
                 appointment.status, appointment.start_at.isoformat())
        return
    contact = preferences.for_appointment(session, appointment, settings)
    request = messages.Request("appointment_reminder", contexts.appointment(appointment, {}, contact.timezone),
                               client_id=appointment.client_id, appointment_id=appointment.id,
                               links_until=appointment.start_at)
    source = Source(event_id(appointment.id, appointment.start_at), "reminder.due", reminder.correlation_id)
    messages.send(session, settings, source, request, contact, (reminder.channel,))
    reminder.status, reminder.fired_at = "fired", now
    REMINDERS.labels("fired").inc()


def fire_due(session: Session, settings: NotificationsSettings, now: dt.datetime, *, skip_locked: bool) -> int:
    """Turn due reminders into delivery-log rows (in the caller's transaction); how many were due."""
    stmt = select(Reminder).where(Reminder.status == "pending", Reminder.due_at <= now) \
        .order_by(Reminder.due_at, Reminder.id).limit(BATCH_SIZE)
    due = session.scalars(stmt.with_for_update(skip_locked=True) if skip_locked else stmt).all()
    for reminder in due:
        _fire(session, settings, reminder, now, skip_locked)
    return len(due)
