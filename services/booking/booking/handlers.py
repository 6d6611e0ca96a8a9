"""Events booking consumes: one small function per event, run inside the inbox transaction."""
from __future__ import annotations

import functools

from sqlalchemy.orm import Session

from servicekit.messaging import Envelope, HandlerRegistry

from booking import assignments, reminders
from booking.config import BookingSettings

handlers = HandlerRegistry()


@functools.cache
def _settings() -> BookingSettings:
    """Cancellation rules and the center's time zone (read once per process, as the API does)."""
    return BookingSettings.from_env("booking")


@handlers.on("task.assigned")
def task_assigned(session: Session, event: Envelope) -> None:
    assignments.record_assignment(session, event.data)


@handlers.on("reminder.responded")
def reminder_responded(session: Session, event: Envelope) -> None:
    reminders.respond(session, event.data, _settings())
