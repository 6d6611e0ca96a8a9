"""Events booking consumes: one small function per event, run inside the inbox transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from servicekit.messaging import Envelope, HandlerRegistry

from booking import assignments, reminders
from booking.config import BookingSettings

handlers = HandlerRegistry()


@handlers.on("task.assigned")
def task_assigned(session: Session, event: Envelope) -> None:
    assignments.record_assignment(session, event.data)


@handlers.on("reminder.responded")
def reminder_responded(session: Session, event: Envelope) -> None:
    reminders.respond(session, event.data, BookingSettings.from_env("booking"))
