"""The dispatcher: fires due reminders, then sends the delivery log's queued e-mails and SMS, retrying with backoff."""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Callable

from prometheus_client import Counter
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from servicekit import center
from servicekit.accepted import AcceptedJournal
from servicekit.center import Center
from servicekit.db import Database, utcnow
from servicekit.logs import configure_logging
from servicekit.messaging.connection import Backoff
from servicekit.probes import Probe
from servicekit.runner import on_termination, worker_probe

from notifications import documents, links, mailer, personal_links, reminders
from notifications.config import NotificationsSettings
from notifications.delivery import Outgoing, deliver, record_sent, retry_or_fail
from notifications.models import STAFF_KINDS, Notification

log = logging.getLogger(__name__)

BATCH_SIZE = 20
STALE_SENDING = dt.timedelta(minutes=5)
INTERRUPTED = "sending was interrupted (the dispatcher stopped mid-send)"
SETTLED = Counter("notifications_settled_from_journal", "Accepted sends recorded from the journal after a stop")


def _lockable(db: Database, stmt: Select) -> Select:
    # Several dispatcher processes may run: each row goes to exactly one of them.
    return stmt.with_for_update(skip_locked=True) if db.is_postgres else stmt


def settle_journal(db: Database, journal: AcceptedJournal, wait: Callable[[float], bool]) -> int:
    """Record as sent what the provider accepted before this process (or an earlier one) could record it."""
    settled = 0
    for notification_id, answer in journal.pending().items():
        log.warning("notification %s was accepted before a stop; recording it as sent", notification_id)
        if record_sent(db, journal, notification_id, answer, wait):
            settled += 1
            SETTLED.inc()
    return settled


def recover_own_claims(db: Database, settings: NotificationsSettings, journal: AcceptedJournal) -> int:
    """At start: rows an earlier life of this dispatcher claimed and never sent go back to the queue at once.

    The one it had in hand may have left (a crash mid-send): that was an attempt, retried after the usual
    backoff. The rest of its batch was never tried: due again now, without costing an attempt (else a
    dispatcher that keeps dying would push messages it never touched hours away, then fail them).
    Rows it sent are in the journal and were settled first; other dispatchers' rows wait for STALE_SENDING.
    """
    now, accepted, in_hand = utcnow(), set(journal.pending()), journal.in_hand()
    with db.transaction() as session:
        mine = session.scalars(_lockable(db, select(Notification).where(
            Notification.status == "sending", Notification.claimed_by == journal.identity))).all()
        mine = [notification for notification in mine if notification.id not in accepted]
        for notification in mine:
            if notification.id in in_hand:
                retry_or_fail(session, notification, INTERRUPTED, settings, now)
            else:
                notification.status, notification.attempts = "queued", notification.attempts - 1
    for key in in_hand:
        journal.done(key)
    return len(mine)


def requeue_stale(db: Database, settings: NotificationsSettings, journal: AcceptedJournal | None = None) -> int:
    """Messages left `sending` for over 5 minutes (the sender died mid-send) go back to the queue.

    Never one this dispatcher's journal knows was accepted: that one is recorded as sent instead.
    """
    now, accepted = utcnow(), set(journal.pending()) if journal else set()
    with db.transaction() as session:
        stale = session.scalars(_lockable(db, select(Notification).where(
            Notification.status == "sending", Notification.updated_at < now - STALE_SENDING))).all()
        stale = [notification for notification in stale if notification.id not in accepted]
        for notification in stale:
            retry_or_fail(session, notification, INTERRUPTED, settings, now)
    return len(stale)


def fire_reminders(db: Database, settings: NotificationsSettings, now: dt.datetime | None = None) -> int:
    """Turn the reminders that are due into queued messages (committed before anything is sent)."""
    with db.transaction() as session:
        return reminders.fire_due(session, settings, now or utcnow(), skip_locked=db.is_postgres)


def _outgoing(session: Session, settings: NotificationsSettings, notification: Notification,
              centre: Center) -> Outgoing:
    url = problem = unsubscribe = None
    if notification.attachment_ref:
        try:
            url = documents.pdf_url(session, settings, notification.attachment_ref)
        except documents.FetchError as exc:
            problem = str(exc)
    if notification.channel == "email" and notification.kind not in STAFF_KINDS:
        unsubscribe = links.unsubscribe_url(links.secret(session, settings), settings.public_base_url,
                                            notification.recipient)
    return Outgoing(notification.id, notification.channel, notification.kind, notification.recipient,
                    notification.recipient_name, notification.subject,
                    personal_links.unseal(notification.body_text, notification.sealed_links),
                    notification.correlation_id, url, notification.attachment_name, problem, unsubscribe,
                    mailer.sender(settings, centre), centre.email or None)


def claim_due(db: Database, settings: NotificationsSettings, claimant: str | None = None) -> list[Outgoing]:
    """Mark up to BATCH_SIZE due messages `sending` (one more attempt) and commit before any is sent."""
    now = utcnow()
    with db.transaction() as session:
        due = session.scalars(_lockable(db, select(Notification).where(
            Notification.status == "queued", Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.id).limit(BATCH_SIZE))).all()
        for notification in due:
            notification.status, notification.attempts = "sending", notification.attempts + 1
            notification.updated_at, notification.claimed_by = now, claimant
        centre = center.current(session, settings)
        return [_outgoing(session, settings, notification, centre) for notification in due]


def release(db: Database, items: list[Outgoing]) -> None:
    """Claimed but never tried (shutdown): back to the queue without spending an attempt."""
    if not items:
        return
    with db.transaction() as session:
        session.execute(update(Notification).where(
            Notification.id.in_([item.id for item in items]), Notification.status == "sending")
            .values(status="queued", attempts=Notification.attempts - 1))


def _waiter(stop: threading.Event | None, progress: Callable[[], None] | None) -> Callable[[float], bool]:
    """Pause between tries to record an accepted send: alive meanwhile, and True once told to stop."""
    def wait(delay: float) -> bool:
        if progress is not None:
            progress()
        if stop is None:
            time.sleep(delay)
            return False
        return stop.wait(delay)
    return wait


def dispatch_once(db: Database, settings: NotificationsSettings, stop: threading.Event | None = None,
                  progress: Callable[[], None] | None = None, journal: AcceptedJournal | None = None) -> int:
    """One round: settle the journal, re-queue stale sends, fire due reminders, claim and send; how many claimed.

    `progress()` is called after each send (a batch of slow sends must not look like a hung dispatcher).
    """
    journal = journal or AcceptedJournal(settings.journal_dir)
    wait = _waiter(stop, progress)
    settle_journal(db, journal, wait)
    requeue_stale(db, settings, journal)
    fire_reminders(db, settings)
    batch = claim_due(db, settings, journal.identity)
    for position, item in enumerate(batch):
        if stop is not None and stop.is_set():
            release(db, batch[position:])
            break
        if not deliver(db, settings, item, journal, wait):
            if stop is not None and stop.is_set():  # stopped while the database was away: the journal keeps it
                release(db, batch[position + 1:])
                break
        if progress is not None:
            progress()
    return len(batch)


def dispatch_loop(settings: NotificationsSettings, stop_event: threading.Event, probe: Probe | None = None) -> None:
    """Send due messages until `stop_event` is set, pausing NOTIFY_POLL_INTERVAL between rounds.

    `probe` (liveness/readiness) is beaten every round and every send; ready after a round that worked.
    """
    probe = probe or Probe()
    db = Database(settings.database_url, settings.service, pool_size=2,
                  connect_timeout=settings.db_connect_timeout)
    journal = AcceptedJournal(settings.journal_dir)
    journal.hold()
    recovered = False
    backoff = Backoff()
    log.info("dispatcher started (SMTP %s:%s, SMS via %s)", settings.smtp_host, settings.smtp_port,
             settings.sms_provider)
    try:
        while not stop_event.is_set():
            probe.beat()
            try:
                if not recovered:  # once, as soon as the database answers
                    settle_journal(db, journal, _waiter(stop_event, probe.beat))
                    recover_own_claims(db, settings, journal)
                    recovered = True
                claimed = dispatch_once(db, settings, stop_event, progress=probe.beat, journal=journal)
            except Exception as exc:  # noqa: BLE001 - e.g. the database is away: this thread must outlive it
                delay = backoff.next_delay()
                log.exception("dispatcher round failed; retrying in %.1fs", delay)
                probe.ready(False, exc.__class__.__name__)
                stop_event.wait(delay)
                continue
            probe.ready(True)
            backoff.reset()
            if claimed < BATCH_SIZE:  # a full batch means more may be due right now
                stop_event.wait(settings.notify_poll_interval)
    finally:
        probe.ready(False, "stopped")
        journal.release()
        db.dispose()
    log.info("dispatcher stopped")


def run(settings: NotificationsSettings) -> None:
    """The dispatcher process: send until SIGTERM/SIGINT, finishing the message in hand."""
    configure_logging(settings.service, settings.log_level, settings.log_format)
    stop = threading.Event()
    on_termination(stop.set)
    dispatch_loop(settings, stop, worker_probe(settings))
