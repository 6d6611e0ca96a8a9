"""The dispatcher against a real SMTP server (aiosmtpd) and the real database, one round at a time."""
import dataclasses
import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import update

from servicekit.testing.infra import free_port

from notifications.dispatch import (INTERRUPTED, claim_due, dispatch_loop, dispatch_once, release,
                                    requeue_stale)
from notifications.delivery_log import Draft, Source, queue
from notifications.models import Notification
from notifications.templates import Message

from ..helpers import logged, now, outbox_events, reload


@pytest.fixture(scope="module")
def settings(spec, make_settings, tmp_path_factory):
    # SMS queued by other tests may be sent here too: the file provider writes under a throwaway VAR_DIR.
    return dataclasses.replace(make_settings(spec), var_dir=tmp_path_factory.mktemp("var"))


@pytest.fixture()
def smtp_up(settings, mailbox):
    return dataclasses.replace(settings, smtp_port=mailbox.port, max_send_attempts=3)


@pytest.fixture()
def smtp_down(settings):
    # A port that was free a moment ago: nothing listens there, so connecting is refused.
    return dataclasses.replace(settings, smtp_port=free_port(), max_send_attempts=3, smtp_timeout=2)


def test_a_queued_email_is_sent_exactly_once_and_marked_sent(db, smtp_up, mailbox):
    row = logged(db, subject="Payment received: invoice INV-1")
    assert dispatch_once(db, smtp_up) >= 1
    [message] = mailbox.to(row.recipient)
    assert message["To"] == f"Maya Parent <{row.recipient}>" and message["Subject"] == row.subject
    assert message["Message-ID"] == f"<{row.id}@sunnysteps.example>"
    assert message["From"] == smtp_up.mail_from and message.get_payload().strip() == "Thank you."
    sent = reload(db, row.id)
    assert (sent.status, sent.attempts) == ("sent", 1) and sent.sent_at is not None
    [announced] = outbox_events(db, "notification.sent", notification_id=row.id)
    assert announced["data"] == {"notification_id": row.id, "kind": "payment_confirmation", "channel": "email",
                                 "recipient": row.recipient, "client_id": row.client_id,
                                 "event_id": row.event_id, "error": None}
    assert announced["correlation_id"] == row.correlation_id and announced["causation_id"] == row.event_id
    dispatch_once(db, smtp_up)
    assert len(mailbox.to(row.recipient)) == 1


def test_personal_links_are_sent_then_wiped_and_the_log_never_shows_them(db, smtp_up, mailbox):
    """Security finding 2: the stored copy of a message held its share, activation and one-click links."""
    link = "http://127.0.0.1:8080/q/3f1c0b5e-0000-4000-8000-000000000001?access_token=tok-secret-0123456789"
    with db.transaction() as s:
        row, _ = queue(s, Source(str(uuid.uuid4()), "quotation.sent", None), Draft(
            kind="quotation_sent", channel="email", recipient="links@example.org", recipient_name="Maya Parent",
            message=Message("Your quotation", f"Open it: {link}\nSee you soon."), context={"share_url": link}))
        row_id = row.id
    stored = reload(db, row_id)
    assert link not in stored.body_text and stored.sealed_links == [link]
    dispatch_once(db, smtp_up)
    [message] = mailbox.to("links@example.org")
    assert link in message.get_content()  # the family gets the working link
    sent = reload(db, row_id)
    assert sent.status == "sent" and sent.sealed_links is None and sent.context is None
    assert "tok-secret" not in sent.body_text


def test_smtp_server_down_keeps_the_message_queued_with_the_error_and_a_later_attempt(db, smtp_down):
    row = logged(db)
    before = now()
    dispatch_once(db, smtp_down)
    retry = reload(db, row.id)
    assert (retry.status, retry.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in retry.last_error
    assert retry.next_attempt_at >= before + dt.timedelta(seconds=30)
    assert outbox_events(db, "notification.failed", notification_id=row.id) == []
    dispatch_once(db, smtp_down)
    assert reload(db, row.id).attempts == 1  # not due again before its backoff has passed


def make_due(db, notification_id):
    with db.transaction() as s:
        s.execute(update(Notification).where(Notification.id == notification_id)
                  .values(next_attempt_at=now() - dt.timedelta(seconds=1)))


def test_after_max_send_attempts_the_message_is_failed_and_announced(db, smtp_down):
    row = logged(db)
    waits = []
    for attempt in range(1, smtp_down.max_send_attempts + 1):
        started = now()
        dispatch_once(db, smtp_down)
        current = reload(db, row.id)
        assert current.attempts == attempt
        if attempt < smtp_down.max_send_attempts:
            assert current.status == "queued"
            waits.append(round((current.next_attempt_at - started).total_seconds()))
            make_due(db, row.id)
    assert waits == [30, 60]
    assert current.status == "failed" and "ConnectionRefusedError" in current.last_error
    [announced] = outbox_events(db, "notification.failed", notification_id=row.id)
    assert announced["data"]["error"] == current.last_error


def test_a_message_stuck_in_sending_for_over_five_minutes_goes_back_to_the_queue(db, settings):
    stuck = logged(db, status="sending", attempts=1)
    recent = logged(db, status="sending", attempts=1)
    with db.transaction() as s:
        s.execute(update(Notification).where(Notification.id == stuck.id)
                  .values(updated_at=now() - dt.timedelta(minutes=6)))
    assert requeue_stale(db, settings) >= 1
    requeued = reload(db, stuck.id)
    assert (requeued.status, requeued.attempts, requeued.last_error) == ("queued", 1, INTERRUPTED)
    assert reload(db, recent.id).status == "sending"


def test_a_stuck_message_out_of_attempts_fails_instead_of_looping(db, settings):
    stuck = logged(db, status="sending", attempts=settings.max_send_attempts)
    with db.transaction() as s:
        s.execute(update(Notification).where(Notification.id == stuck.id)
                  .values(updated_at=now() - dt.timedelta(hours=1)))
    requeue_stale(db, settings)
    assert reload(db, stuck.id).status == "failed"
    assert outbox_events(db, "notification.failed", notification_id=stuck.id)[0]["data"]["error"] == INTERRUPTED


def test_claimed_messages_not_tried_before_shutdown_go_back_without_spending_an_attempt(db, smtp_up, mailbox):
    row = logged(db)
    stop = threading.Event()
    stop.set()
    assert dispatch_once(db, smtp_up, stop) >= 1
    back = reload(db, row.id)
    assert (back.status, back.attempts) == ("queued", 0) and mailbox.to(row.recipient) == []


def test_a_row_locked_by_another_dispatcher_is_skipped(db, settings):
    row = logged(db)
    other = db.session()
    try:
        other.get(Notification, row.id, with_for_update=True)
        claimed = claim_due(db, settings)
        assert row.id not in {item.id for item in claimed}
        release(db, claimed)
    finally:
        other.rollback()
        other.close()
    assert reload(db, row.id).status == "queued"


class OneRound(threading.Event):
    """A stop event that is set by the first pause between rounds."""

    def wait(self, timeout=None):
        self.set()
        return True


def test_dispatch_loop_sends_due_mail_and_returns_once_stopped(db, smtp_up, mailbox):
    row = logged(db)
    dispatch_loop(smtp_up, OneRound())
    assert reload(db, row.id).status == "sent" and len(mailbox.to(row.recipient)) == 1
