"""Sending one claimed message (e-mail or SMS) and recording what happened: sent, retry later, or failed."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

from prometheus_client import Counter
from sqlalchemy.orm import Session

from servicekit import context, faults
from servicekit.accepted import AcceptedJournal, record_outcome
from servicekit.db import Database, utcnow
from servicekit.messaging import add_event

from notifications import documents, mailer, messages, sms
from notifications.config import NotificationsSettings
from notifications.delivery_log import outcome_payload
from notifications.models import Notification

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
SEND_FAILURES = (*mailer.SEND_ERRORS, sms.SmsError, documents.FetchError)
SENT = Counter("notifications_sent", "Messages accepted by the SMTP server or SMS provider", ["channel", "kind"])
FAILED = Counter("notifications_failed", "Messages that failed for good", ["channel"])
RETRIED = Counter("notifications_retried", "Failed attempts that will be retried", ["channel"])


@dataclass(frozen=True)
class Outgoing:
    """What the sender needs of a claimed message, copied out of the claiming transaction."""

    id: str
    channel: str
    kind: str
    recipient: str
    recipient_name: str
    subject: str
    body_text: str
    correlation_id: str | None = None
    attachment_url: str | None = None
    attachment_name: str | None = None
    attachment_problem: str | None = None  # the attachment's link is unknown: fail like a fetch would
    unsubscribe_url: str | None = None
    sender: str | None = None  # From: MAIL_FROM under the centre's current name
    reply_to: str | None = None  # the centre's e-mail address, when it has one


def retry_delay(attempts: int) -> dt.timedelta:
    """30 s after the first failed attempt, doubling after each one, never more than an hour."""
    exponent = min(max(attempts - 1, 0), 20)
    return dt.timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** exponent, MAX_RETRY_SECONDS))


def announce(session: Session, notification: Notification, event_type: str) -> None:
    """Stage notification.sent / .failed, continuing the story of the event that asked for the message."""
    with context.correlated(notification.correlation_id, notification.event_id):
        add_event(session, event_type, outcome_payload(notification))


def retry_or_fail(session: Session, notification: Notification, error: str, settings: NotificationsSettings,
                  now: dt.datetime, *, permanent: bool = False) -> None:
    """Back to the queue after a backoff, or failed (and announced) when out of attempts or hopeless."""
    notification.last_error = error[:1000]
    if permanent or notification.attempts >= settings.max_send_attempts:
        notification.status = "failed"
        session.flush()
        announce(session, notification, "notification.failed")
        FAILED.labels(notification.channel).inc()
        log.warning("notification %s failed after %d attempts: %s", notification.id, notification.attempts, error)
        if notification.channel == "sms":
            messages.fall_back(session, settings, notification)
        return
    notification.status = "queued"
    notification.next_attempt_at = now + retry_delay(notification.attempts)
    RETRIED.labels(notification.channel).inc()
    log.info("notification %s attempt %d failed (%s); retrying at %s", notification.id, notification.attempts,
             error, notification.next_attempt_at.isoformat())


def _send(settings: NotificationsSettings, item: Outgoing) -> str:
    if item.channel == "sms":
        return sms.send(settings, item.id, item.recipient, item.body_text)
    attachment = None
    if item.attachment_problem:
        raise documents.FetchError(item.attachment_problem)
    if item.attachment_url:
        content = documents.fetch(settings, item.attachment_url, item.correlation_id)
        attachment = mailer.Attachment(item.attachment_name or "document.pdf", content)
    message = mailer.compose(settings, item.id, item.recipient, item.recipient_name, item.subject, item.body_text,
                             attachment=attachment, unsubscribe_url=item.unsubscribe_url, sender=item.sender,
                             reply_to=item.reply_to)
    return mailer.send(settings, message)


def _mark_sent(notification_id: str, answer: str) -> Callable[[Session], None]:
    def mark(session: Session) -> None:
        notification = session.get(Notification, notification_id)
        if notification is None or notification.status == "sent":
            return  # an earlier commit whose answer was lost already recorded it
        notification.status, notification.sent_at = "sent", utcnow()
        notification.provider_answer = answer[:1000]
        notification.sealed_links = notification.context = None  # delivered: its personal links are done with
        session.flush()
        announce(session, notification, "notification.sent")
    return mark


def record_sent(db: Database, journal: AcceptedJournal, notification_id: str, answer: str,
                wait: Callable[[float], bool]) -> bool:
    """Record an accepted message as sent, holding on while the database is away; False if told to stop first."""
    if not record_outcome(db, _mark_sent(notification_id, answer), wait=wait, what=f"notification {notification_id}"):
        return False
    journal.forget(notification_id)
    return True


def deliver(db: Database, settings: NotificationsSettings, item: Outgoing, journal: AcceptedJournal,
            wait: Callable[[float], bool]) -> bool:
    """Send one claimed message (no transaction open meanwhile), then record the outcome; True if sent.

    Once the provider accepted the message it is never sent again: the answer goes to the journal first, then
    the `sent` mark is retried (`wait(delay)` between tries) until the database takes it. A message already
    in the journal (accepted before a crash) is recorded without being sent.
    """
    answer = journal.answer(item.id)
    if answer is None:
        journal.trying(item.id)
        try:
            answer = _send(settings, item)
        except SEND_FAILURES as exc:
            _record_failure(db, settings, item, exc)
            journal.done(item.id)
            return False
        journal.record(item.id, answer)
        faults.crash_point("dispatcher_before_record")  # test-only: the crash the journal is there for
        SENT.labels(item.channel, item.kind).inc()
        log.info("notification %s (%s, %s) accepted", item.id, item.channel, item.kind)  # no address: logs travel
    if not record_sent(db, journal, item.id, answer, wait):
        return False
    journal.done(item.id)
    return True


def _record_failure(db: Database, settings: NotificationsSettings, item: Outgoing, exc: Exception) -> None:
    # Nothing left the system: if the database is away now, the row stays `sending` and comes back as stale.
    error = f"{exc.__class__.__name__}: {exc}"
    with db.transaction() as session:
        notification = session.get(Notification, item.id)
        notification.provider_answer = error[:1000]
        retry_or_fail(session, notification, error, settings, utcnow(),
                      permanent=isinstance(exc, sms.SmsError) and exc.permanent)
