"""The delivery log: every message is written here (queued) before the dispatcher sends it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from servicekit.auth import CLIENT, Principal
from servicekit.db import LIKE_ESCAPE, contains_pattern, utcnow
from servicekit.errors import Conflict, Forbidden, not_found
from servicekit.messaging import Envelope, add_event

from notifications import personal_links, recipients
from notifications.models import STAFF_KINDS, Notification
from notifications.templates import Message


@dataclass(frozen=True)
class Source:
    """What a message answers: an event (or a reminder, named like one) and its correlation id."""

    event_id: str
    event_type: str
    correlation_id: str | None

    @classmethod
    def of(cls, event: Envelope) -> "Source":
        return cls(event.id, event.type, event.correlation_id)


@dataclass
class Draft:
    """One message about to be logged; `skip` (a reason) logs it as skipped, `missing` as failed at once."""

    kind: str
    channel: str
    recipient: str
    recipient_name: str
    message: Message
    client_id: str | None = None
    appointment_id: str | None = None
    attachment_ref: str | None = None
    attachment_name: str | None = None
    context: dict[str, Any] | None = None
    fallback_to: str | None = None
    fallback_of: str | None = None
    missing: str | None = None
    skip: str | None = None


def outcome_payload(notification: Notification) -> dict[str, Any]:
    """The data of notification.sent / notification.failed."""
    return {
        "notification_id": notification.id, "kind": notification.kind, "channel": notification.channel,
        "recipient": notification.recipient, "client_id": notification.client_id,
        "event_id": notification.event_id,
        "error": notification.last_error if notification.status == "failed" else None,
    }


def _status(draft: Draft) -> tuple[str, str | None]:
    if draft.skip:
        return "skipped", draft.skip
    if not draft.recipient or draft.missing:
        return "failed", draft.missing or "no address on file"
    return "queued", None


def queue(session: Session, source: Source, draft: Draft) -> tuple[Notification, bool]:
    """Log a message as queued for the dispatcher (or failed / skipped at once); (row, newly logged)."""
    existing = session.scalars(select(Notification).where(
        Notification.event_id == source.event_id, Notification.channel == draft.channel,
        Notification.recipient == draft.recipient)).first()
    if existing is not None:
        return existing, False
    status, error = _status(draft)
    body, links = personal_links.seal(draft.message.body)
    notification = Notification(
        event_id=source.event_id, event_type=source.event_type, correlation_id=source.correlation_id,
        kind=draft.kind, channel=draft.channel, recipient=draft.recipient, recipient_name=draft.recipient_name,
        client_id=draft.client_id, appointment_id=draft.appointment_id, subject=draft.message.subject,
        body_text=body, sealed_links=links or None, status=status, last_error=error, attachment_ref=draft.attachment_ref,
        attachment_name=draft.attachment_name, context=draft.context, fallback_to=draft.fallback_to,
        fallback_of=draft.fallback_of, next_attempt_at=utcnow())
    session.add(notification)
    session.flush()
    if status == "failed":
        add_event(session, "notification.failed", outcome_payload(notification))
    return notification, True


def _day_start(day: dt.date, timezone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZoneInfo(timezone))


def _recipient_matches(text: str) -> ColumnElement[bool]:
    """The address or the name contains `text`, whatever the case (`%` and `_` taken literally)."""
    pattern = contains_pattern(text.strip())
    return or_(Notification.recipient.ilike(pattern, escape=LIKE_ESCAPE),
               Notification.recipient_name.ilike(pattern, escape=LIKE_ESCAPE))


def query(principal: Principal, args: dict[str, Any], timezone: str) -> Select:
    """The log, newest first, filtered by the query; a family sees only its own clients' messages."""
    stmt = select(Notification).order_by(Notification.created_at.desc(), Notification.id)
    if principal.role == CLIENT:
        if args.get("client_id") and not principal.may_see_family(str(args["client_id"])):
            raise Forbidden("You may only see your own family's notifications.")
        # Alerts to the front desk about a family are the staff's, not the family's.
        stmt = stmt.where(Notification.client_id.in_(principal.client_ids or {""}),
                          Notification.kind.not_in(STAFF_KINDS))
    for name in ("client_id", "appointment_id", "kind", "channel", "status"):
        if args.get(name):
            stmt = stmt.where(getattr(Notification, name) == str(args[name]))
    if args.get("recipient"):
        stmt = stmt.where(_recipient_matches(args["recipient"]))
    if args.get("from_"):
        stmt = stmt.where(Notification.created_at >= _day_start(args["from_"], timezone))
    if args.get("to"):
        stmt = stmt.where(Notification.created_at < _day_start(args["to"] + dt.timedelta(days=1), timezone))
    return stmt


def get(session: Session, notification_id: str, principal: Principal, *, lock: bool = False) -> Notification:
    """One message of the log; a family may only open its own."""
    notification = session.get(Notification, notification_id, with_for_update=lock)
    if notification is None:
        raise not_found("Notification", notification_id)
    if not principal.may_see_family(notification.client_id) or (
            principal.role == CLIENT and notification.kind in STAFF_KINDS):
        raise Forbidden("You may only see your own family's notifications.")
    return notification


def _find_address(session: Session, notification: Notification) -> None:
    if notification.channel != "email":
        raise Conflict("This SMS had no valid mobile number; it was sent by e-mail instead where possible. "
                       "Add the number to the client's reminder settings for the next messages.")
    recipient = recipients.email_of(session, notification.client_id)
    if recipient is None:
        who = f"client {notification.client_id}" if notification.client_id else "this message"
        raise Conflict(f"There is still no e-mail address on file for {who}; add the guardian's "
                       "e-mail to the client record first.")
    notification.recipient, notification.recipient_name = recipient.email, recipient.guardian_name


def resend(session: Session, notification_id: str, principal: Principal) -> Notification:
    """Put a failed message back in the queue with fresh attempts (an address found since is used)."""
    notification = get(session, notification_id, principal, lock=True)
    if notification.status != "failed":
        raise Conflict(f"Notification {notification.id} is {notification.status}; only a failed message "
                       "can be resent.")
    if not notification.recipient:
        _find_address(session, notification)
    notification.status, notification.attempts = "queued", 0
    notification.last_error, notification.next_attempt_at = None, utcnow()
    session.flush()
    return notification

