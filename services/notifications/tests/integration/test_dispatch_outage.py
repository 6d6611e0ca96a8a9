"""A message the provider accepted is never sent again, whatever happens to the database afterwards.

The database is reached through a proxy that the SMTP server (or the SMS API) cuts at the moment it accepts
the message: the dispatcher cannot record `sent`. Before the fix, the row stayed `sending`, went back to the
queue as stale five minutes later and the family received the e-mail twice.
"""
import dataclasses
import datetime as dt
import threading
import time
import uuid
from urllib.parse import urlparse

import pytest
from sqlalchemy import update

from servicekit.accepted import AcceptedJournal
from servicekit.db import Database
from servicekit.testing.chaos import ChaosProxy

from notifications.dispatch import INTERRUPTED, dispatch_once, recover_own_claims
from notifications.models import Notification

from ..helpers import logged, now, outbox_events, reload


@pytest.fixture(scope="module")
def settings(spec, make_settings, tmp_path_factory, mailbox, sms_api):
    return dataclasses.replace(
        make_settings(spec), smtp_port=mailbox.port, var_dir=tmp_path_factory.mktemp("var"), sms_provider="twilio",
        sms_api_url=sms_api.url, sms_account_sid="AC123", sms_auth_token="secret", sms_from="+33700000000")


@pytest.fixture()
def proxy(settings):
    url = urlparse(settings.database_url)
    chaos = ChaosProxy(url.hostname, url.port or 5432)
    yield chaos
    chaos.close()


@pytest.fixture()
def cuttable_db(settings, proxy):
    """The notifications database, reached through the proxy."""
    url = urlparse(settings.database_url)
    netloc = url.netloc.rsplit("@", 1)
    user = netloc[0] + "@" if len(netloc) == 2 else ""
    database = Database(url._replace(netloc=f"{user}127.0.0.1:{proxy.port}").geturl(), "notifications",
                        pool_size=2, connect_timeout=2)
    yield database
    database.dispose()


@pytest.fixture(params=["email", "sms"])
def channel(request, mailbox, sms_api):
    """The channel under test, with a provider that cuts the database as it accepts, and what it received."""
    server = mailbox if request.param == "email" else sms_api
    yield request.param, server
    server.on_accept = None


def queued_message(db, channel):
    if channel == "sms":
        number = f"+336{uuid.uuid4().int % 10**8:08d}"  # the SMS API keeps every test's posts
        return logged(db, channel="sms", recipient=number, body_text="Reminder: OT tomorrow 10:00.")
    return logged(db)


def received(server, row):
    return server.to(row.recipient)


def cut_on_accept(server, proxy, row):
    def cut(recipients):
        if row.recipient in recipients:
            proxy.cut()
    server.on_accept = cut


def let_time_pass(db, notification_id):
    """The five minutes after which a claim counts as interrupted, and any retry delay, go by."""
    with db.transaction() as s:
        s.execute(update(Notification).where(Notification.id == notification_id, Notification.status == "sending")
                  .values(updated_at=now() - dt.timedelta(minutes=6)))
        s.execute(update(Notification).where(Notification.id == notification_id, Notification.status == "queued")
                  .values(next_attempt_at=now() - dt.timedelta(seconds=1)))


def later_rounds(db, settings, notification_id):
    """The dispatcher's next rounds, with time passing before each (the real loop outlives a failed round)."""
    for _ in range(2):
        let_time_pass(db, notification_id)
        dispatch_once(db, settings)


class Round(threading.Thread):
    """One dispatcher round on a thread; `waiting` is set once it pauses between tries to record."""

    def __init__(self, db, settings, stop=None):
        super().__init__(daemon=True)
        self.db, self.settings, self.stop = db, settings, stop
        self.waiting, self.error = threading.Event(), None

    def run(self):
        try:
            dispatch_once(self.db, self.settings, self.stop, progress=self.waiting.set)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def until_waiting_or_done(self, timeout=60):
        deadline = time.monotonic() + timeout
        while not self.waiting.is_set() and self.is_alive() and time.monotonic() < deadline:
            self.waiting.wait(0.05)


def test_the_database_cut_right_after_acceptance_never_sends_the_message_twice(
        db, cuttable_db, settings, proxy, channel):
    name, server = channel
    row = queued_message(db, name)
    cut_on_accept(server, proxy, row)
    dispatcher = Round(cuttable_db, settings)
    dispatcher.start()
    dispatcher.until_waiting_or_done()
    assert reload(db, row.id).status == "sending"  # accepted, not recorded: still claimed, never queued
    proxy.restore()
    dispatcher.join(60)
    later_rounds(db, settings, row.id)
    assert len(received(server, row)) == 1
    assert not dispatcher.is_alive() and dispatcher.error is None, dispatcher.error
    sent = reload(db, row.id)
    assert (sent.status, sent.attempts) == ("sent", 1)
    assert len(outbox_events(db, "notification.sent", notification_id=row.id)) == 1
    assert AcceptedJournal(settings.journal_dir).pending() == {}


def test_a_dispatcher_stopped_before_it_could_record_an_accepted_send_records_it_on_the_next_start(
        db, cuttable_db, settings, proxy, channel):
    name, server = channel
    row = queued_message(db, name)
    cut_on_accept(server, proxy, row)
    stop = threading.Event()
    dispatcher = Round(cuttable_db, settings, stop)
    dispatcher.start()
    dispatcher.until_waiting_or_done()
    stop.set()  # SIGTERM while the database is still away
    dispatcher.join(60)
    assert not dispatcher.is_alive() and dispatcher.error is None, dispatcher.error
    assert set(AcceptedJournal(settings.journal_dir).pending()) == {row.id}
    proxy.restore()
    later_rounds(db, settings, row.id)  # the next start: a fresh dispatcher on the same journal
    assert len(received(server, row)) == 1
    sent = reload(db, row.id)
    assert sent.status == "sent" and sent.provider_answer
    assert AcceptedJournal(settings.journal_dir).pending() == {}


def test_a_message_in_the_journal_is_recorded_without_being_sent_again(db, settings, mailbox):
    row = logged(db, status="sending", attempts=1)
    AcceptedJournal(settings.journal_dir).record(row.id, "accepted by 127.0.0.1:25")
    later_rounds(db, settings, row.id)
    recorded = reload(db, row.id)
    assert (recorded.status, recorded.provider_answer) == ("sent", "accepted by 127.0.0.1:25")
    assert mailbox.to(row.recipient) == []


def test_at_start_a_dispatcher_requeues_at_once_what_it_claimed_and_never_sent_but_not_others_claims(
        db, settings):
    journal = AcceptedJournal(settings.journal_dir)
    in_hand = logged(db, status="sending", attempts=3, claimed_by=journal.identity)
    untouched = logged(db, status="sending", attempts=3, claimed_by=journal.identity)
    theirs = logged(db, status="sending", attempts=1, claimed_by="another-dispatcher")
    journal.trying(in_hand.id)  # it died sending this one; the rest of its batch was never tried
    assert recover_own_claims(db, settings, journal) >= 2
    tried = reload(db, in_hand.id)
    assert (tried.status, tried.attempts, tried.last_error) == ("queued", 3, INTERRUPTED)
    assert tried.next_attempt_at > now() + dt.timedelta(minutes=1)  # it may have left: the usual backoff
    back = reload(db, untouched.id)
    assert (back.status, back.attempts, back.last_error) == ("queued", 2, None)  # no attempt spent
    assert back.next_attempt_at <= now()  # due again at once
    assert journal.in_hand() == set()
    assert reload(db, theirs.id).status == "sending"  # theirs waits for the stale timeout
