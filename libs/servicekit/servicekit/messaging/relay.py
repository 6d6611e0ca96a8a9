"""The outbox relay: publishes committed outbox rows in order, a batch at a time with confirms, then marks
exactly the confirmed rows published."""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Callable

import psycopg
from sqlalchemy import Select, delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from servicekit.db import Database, utcnow
from servicekit.messaging.connection import Backoff
from servicekit.messaging.outbox import notify_channel
from servicekit.messaging.publisher import Message, PublishFailed, Publisher
from servicekit.messaging.tables import outbox
from servicekit.probes import Probe
from servicekit import faults, metrics

log = logging.getLogger(__name__)


class Relay:
    def __init__(self, db: Database, publisher: Publisher, *, batch_size: int = 200,
                 poll_interval: float = 0.05, keep_published: dt.timedelta = dt.timedelta(days=7),
                 jobs: list[tuple[float, Callable[[Session], None]]] | None = None,
                 probe: Probe | None = None) -> None:
        self.db, self.publisher = db, publisher
        self.probe = probe or Probe()  # liveness/readiness; served over HTTP only if the caller serves it
        self.batch_size, self.poll_interval, self.keep_published = batch_size, poll_interval, keep_published
        self._last_prune = 0.0
        # (interval in seconds, fn(session)) housekeeping run between batches; next due time per job.
        self.jobs = [(every, fn, [0.0]) for every, fn in (jobs or [])]

    def publish_pending(self) -> int:
        """Publish one batch of unpublished rows; returns how many were published.

        The whole batch goes out at once and its confirms are awaited together; exactly the rows the broker
        confirmed are marked. Rows it did not confirm stay unpublished (with the reason) and PublishFailed is
        raised after the marks commit, so the relay backs off and publishes them again.
        """
        with self.db.transaction() as session:
            rows = session.execute(self._pending()).all()
            result = self.publisher.publish_batch([
                Message(row.body, row.event_type, row.event_id, row.correlation_id, self.db.service)
                for row in rows])
            confirmed = [rows[index] for index in result.confirmed]
            if confirmed:
                faults.crash_point("relay_after_publish")  # test-only: confirmed, not marked -> duplicates
                session.execute(update(outbox).where(outbox.c.position.in_([row.position for row in confirmed]))
                                .values(published_at=utcnow()))
                for row in confirmed:
                    metrics.EVENTS_PUBLISHED.labels(self.db.service, row.event_type).inc()
            for reason, positions in _by_reason(rows, result.failed).items():
                session.execute(update(outbox).where(outbox.c.position.in_(positions)).values(
                    attempts=outbox.c.attempts + 1, last_error=reason[:1000]))
        if result.failed:
            first = next(iter(result.failed.values()))
            log.warning("%d of %d events not confirmed, will retry: %s", len(result.failed), len(rows), first)
            raise PublishFailed(f"{len(result.failed)} events left for the next attempt: {first}")
        return len(confirmed)

    def _pending(self) -> Select:
        stmt = (select(outbox.c.position, outbox.c.event_id, outbox.c.event_type, outbox.c.correlation_id,
                       outbox.c.body)
                .where(outbox.c.published_at.is_(None)).order_by(outbox.c.position).limit(self.batch_size))
        if self.db.is_postgres:
            # Several relays may run; each row goes to exactly one of them.
            stmt = stmt.with_for_update(skip_locked=True)
        return stmt

    def prune(self) -> None:
        """Delete rows published long ago, at most once a minute."""
        if time.monotonic() - self._last_prune < 60:
            return
        self._last_prune = time.monotonic()
        with self.db.transaction() as session:
            session.execute(delete(outbox).where(outbox.c.published_at < utcnow() - self.keep_published))

    def run_due_jobs(self) -> None:
        """Run each housekeeping job whose time has come, each in its own transaction."""
        now = time.monotonic()
        for every, fn, next_due in self.jobs:
            if now >= next_due[0]:
                next_due[0] = now + every
                try:
                    with self.db.transaction() as session:
                        fn(session)
                except DBAPIError:
                    raise  # the database is away: the relay loop waits it out
                except Exception:  # noqa: BLE001 - a broken job must not stop events from being published
                    log.exception("housekeeping job %s failed; it runs again in %.0fs", fn, every)

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop` is set: publish, then wait for a NOTIFY (PostgreSQL) or the poll interval."""
        waiter = _Waiter(self.db, self.poll_interval)
        backoff = Backoff()
        log.info("relay started for %s", self.db.service)
        while not stop.is_set():
            self.probe.beat()  # a pass is bounded: confirms (2 heartbeats), a NOTIFY wait (1 s), a backoff (5 s)
            try:
                self.run_due_jobs()
                count = self.publish_pending()
                self.probe.ready(True)
                self.prune()
                backoff.reset()
                if count >= self.batch_size:
                    continue
                self.publisher.keepalive()
                waiter.wait(stop)
            except (PublishFailed, DBAPIError, psycopg.Error) as exc:
                delay = backoff.next_delay()
                log.warning("relay paused %.1fs: %s", delay, exc.__class__.__name__)
                self.probe.ready(False, exc.__class__.__name__)
                waiter.close()  # the LISTEN connection may be the broken one: reopened on the next wait
                stop.wait(delay)
        self.probe.ready(False, "stopped")
        waiter.close()
        self.publisher.close()
        log.info("relay stopped")


def _by_reason(rows: list, failed: dict[int, str]) -> dict[str, list[int]]:
    """Positions of the rows the broker did not confirm, grouped by why (usually one reason per batch)."""
    grouped: dict[str, list[int]] = {}
    for index, reason in failed.items():
        grouped.setdefault(reason, []).append(rows[index].position)
    return grouped


class _Waiter:
    """Sleeps until new outbox rows may exist: LISTEN/NOTIFY on PostgreSQL, short polls on SQLite."""

    def __init__(self, db: Database, poll_interval: float) -> None:
        self.db, self.poll_interval = db, poll_interval
        self._conn = None

    def wait(self, stop: threading.Event) -> None:
        if not self.db.is_postgres:
            stop.wait(self.poll_interval)
            return
        if self._conn is None:
            self._conn = self._listen()
        # A NOTIFY wakes us at once; the timeout is only a safety net for missed notifications.
        for _ in self._conn.notifies(timeout=1.0, stop_after=1):
            break

    def _listen(self) -> psycopg.Connection:
        url = self.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = psycopg.connect(url, autocommit=True, connect_timeout=3)
        conn.execute(f'LISTEN "{notify_channel(self.db.service)}"')
        return conn

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail; nothing to do
                pass
            self._conn = None
