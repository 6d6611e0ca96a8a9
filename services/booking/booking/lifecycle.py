"""Appointment status changes. The transition table is the one place that says what may follow what, and who."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from servicekit.errors import Conflict, Forbidden, field_error

from booking import journal, offers
from booking.config import BookingSettings
from booking.journal import Actor, Before
from booking.models import Appointment

STAFF, GUARDIAN, SYSTEM = "staff", "guardian", "system"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: back to the status the appointment had before the cancellation request
    event: str
    refused: str        # why it cannot happen, after "The appointment is <status>; "
    by: frozenset[str]  # who may do it: staff, guardian (portal, e-mail link), system
    after_start: bool = False
    needs_reason: bool = False


def _t(sources: set[str], target: str | None, event: str, refused: str, by: set[str], *,
       after_start: bool = False, needs_reason: bool = False) -> Transition:
    return Transition(frozenset(sources), target, f"appointment.{event}", refused, frozenset(by), after_start,
                      needs_reason)


TRANSITIONS: dict[str, Transition] = {
    "confirm": _t({"booked"}, "confirmed", "confirmed", "it cannot be confirmed", {STAFF, GUARDIAN}),
    "request_cancel": _t({"booked", "confirmed"}, "pending_cancel", "cancel_requested", "it cannot be cancelled",
                         {GUARDIAN}),
    "withdraw_cancel": _t({"pending_cancel"}, None, "cancel_withdrawn",
                          "there is no cancellation request to withdraw", {GUARDIAN, STAFF}),
    "accept_cancel": _t({"pending_cancel"}, "cancelled", "cancelled", "there is no cancellation request to accept",
                        {STAFF}),
    "cancel": _t({"booked", "confirmed", "pending_cancel"}, "cancelled", "cancelled", "it cannot be cancelled",
                 {STAFF}, needs_reason=True),
    "complete": _t({"booked", "confirmed"}, "completed", "completed", "it cannot be completed", {STAFF},
                   after_start=True),
    "no_show": _t({"booked", "confirmed"}, "no_show", "no_show", "it cannot be marked a no-show", {STAFF},
                  after_start=True),
    # A new time needs confirming again, so a rescheduled appointment is booked whatever it was.
    "reschedule": _t({"booked", "confirmed"}, "booked", "rescheduled", "it cannot be rescheduled", {STAFF}),
    "accept_offer": _t({"held"}, "booked", "booked", "it cannot be booked from the wait list", {STAFF, GUARDIAN}),
}
STATUS_WORDS = {"no_show": "a no-show", "pending_cancel": "awaiting a decision on its cancellation",
                "held": "held for a wait-list offer"}


def next_status(current: str, action: str, before_request: str | None = None) -> str:
    """The status `action` leads to from `current`, or a 409 saying why it cannot happen."""
    rule = TRANSITIONS[action]
    if current not in rule.sources:
        raise Conflict(f"The appointment is {STATUS_WORDS.get(current, current)}; {rule.refused}.")
    return rule.target or before_request or "booked"


def check_allowed(action: str, actor: Actor) -> None:
    """A 403 when the actor's kind may not take this action (e.g. a guardian accepting a cancellation)."""
    if actor.kind not in TRANSITIONS[action].by:
        who = " or ".join(sorted(TRANSITIONS[action].by))
        raise Forbidden(f"Only {who} may {action.replace('_', ' ')} an appointment.")


def is_late(appointment: Appointment, asked_at: dt.datetime) -> bool:
    """Cancelled (or asked to be) inside the service type's late-cancellation window before the start."""
    window = dt.timedelta(hours=appointment.service.late_cancel_hours)
    return appointment.start_at - asked_at < window


def _before_status_change(appointment: Appointment, action: str, now: dt.datetime, reason: str | None) -> None:
    if action == "request_cancel":
        appointment.status_before_cancel, appointment.cancel_requested_at = appointment.status, now
        appointment.cancel_reason, appointment.late_cancellation = reason, is_late(appointment, now)
    elif action == "withdraw_cancel":
        appointment.cancel_requested_at = appointment.cancel_reason = None
        appointment.late_cancellation = False
    elif action in ("cancel", "accept_cancel"):
        appointment.cancel_reason = reason or appointment.cancel_reason
        appointment.late_cancellation = is_late(appointment, appointment.cancel_requested_at or now)


def apply(session: Session, appointment: Appointment, action: str, actor: Actor, settings: BookingSettings,
          now: dt.datetime, reason: str | None = None) -> Appointment:
    """Move the (locked) appointment on by `action`, record it, publish its event; a freed slot is offered on."""
    check_allowed(action, actor)
    rule = TRANSITIONS[action]
    if rule.needs_reason and not reason:
        raise field_error("reason", "say why the appointment is cancelled")
    target = next_status(appointment.status, action, appointment.status_before_cancel)
    if rule.after_start and now < appointment.start_at:
        raise Conflict("The session has not started yet; it can be marked once its start time has passed.")
    before = Before.of(appointment)
    _before_status_change(appointment, action, now, reason)
    appointment.status = target
    if action == "withdraw_cancel":
        appointment.status_before_cancel = None
    session.flush()
    journal.record(session, appointment, rule.event, action, actor, settings.zone, before=before,
                   reason=appointment.cancel_reason if target in ("cancelled", "pending_cancel") else reason)
    if target == "cancelled":
        offers.offer_freed(session, settings, appointment.service, appointment.therapist_id, before.start, now)
    return appointment


def cancel_action(actor: Actor) -> str:
    """Staff cancel outright; a guardian's cancellation is a request the center accepts (Therabill's way)."""
    return "request_cancel" if actor.is_guardian else "cancel"
