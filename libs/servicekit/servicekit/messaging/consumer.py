"""The consumer: one message at a time, effect + inbox row in one transaction, ack only after commit."""
from __future__ import annotations

import logging
import threading
import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import Basic, BasicProperties
from sqlalchemy import insert, select
from sqlalchemy.exc import DisconnectionError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from servicekit import context, faults, metrics
from servicekit.db import Database, utcnow
from servicekit.messaging.connection import Backoff, connect, is_configuration_error, retrying
from servicekit.messaging.envelope import Envelope, PoisonMessage
from servicekit.messaging.handlers import HandlerRegistry
from servicekit.messaging.tables import inbox
from servicekit.messaging.topology import Topology, verify_topology

log = logging.getLogger(__name__)

# The database being away is not the message's fault: wait for it instead of spending delivery attempts.
DB_UNAVAILABLE = (OperationalError, DisconnectionError, PoolTimeout)


def claim(session: Session, consumer: str, event: Envelope) -> bool:
    """Record the event in the inbox; False when it was already processed (a duplicate delivery)."""
    seen = session.execute(select(inbox.c.message_id).where(
        inbox.c.consumer == consumer, inbox.c.message_id == event.id)).first()
    if seen:
        return False
    session.execute(insert(inbox).values(consumer=consumer, message_id=event.id, event_type=event.type,
                                         processed_at=utcnow()))
    return True


def apply_event(db: Database, consumer: str, handlers: HandlerRegistry, event: Envelope) -> bool:
    """Run the handler and the inbox insert in one transaction; False if the event was a duplicate."""
    handler = handlers.resolve(event)
    with context.correlated(event.correlation_id, event.id):
        try:
            with db.transaction() as session:
                if not claim(session, consumer, event):
                    return False
                handler(session, event)
        except IntegrityError:
            # A concurrent consumer of the same service inserted the inbox row first: it owns the effect.
            with db.transaction() as session:
                if session.execute(select(inbox.c.message_id).where(
                        inbox.c.consumer == consumer, inbox.c.message_id == event.id)).first():
                    return False
            raise
    return True


class Consumer:
    def __init__(self, db: Database, handlers: HandlerRegistry, *, url: str, topology: Topology,
                 prefetch: int = 20, heartbeat: int = 30, max_attempts: int = 5) -> None:
        self.db, self.handlers, self.url, self.topology = db, handlers, url, topology
        self.service = db.service
        self.prefetch, self.heartbeat, self.max_attempts = prefetch, heartbeat, max_attempts
        self._stop = threading.Event()
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None
        self._dead_letters: BlockingChannel | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    def run(self) -> None:
        """Consume until stopped; reconnect after broker outages with capped backoff."""
        backoff = Backoff()
        while not self._stop.is_set():
            if retrying(f"{self.service} consumer connect", self._open, self._stop.is_set, backoff) is None:
                break
            try:
                self._channel.start_consuming()
            except (pika.exceptions.ConnectionClosedByBroker, pika.exceptions.AMQPConnectionError,
                    pika.exceptions.StreamLostError, pika.exceptions.ChannelWrongStateError) as exc:
                if is_configuration_error(exc):
                    raise
                log.warning("consumer connection lost (%s); reconnecting", exc.__class__.__name__)
                self._stop.wait(backoff.next_delay())
            finally:
                self._close()
        log.info("consumer stopped")

    def _open(self) -> pika.BlockingConnection:
        connection = connect(self.url, heartbeat=self.heartbeat, name=f"{self.service}-consumer")
        channel = connection.channel()
        queue = verify_topology(self.topology, channel, self.service, self.handlers.event_types, self.max_attempts)
        dead_letters = connection.channel()
        dead_letters.confirm_delivery()
        channel.basic_qos(prefetch_count=self.prefetch)
        channel.basic_consume(queue, self._on_message, auto_ack=False)
        self._connection, self._channel, self._dead_letters = connection, channel, dead_letters
        log.info("consuming %s (%s)", queue, ", ".join(self.handlers.event_types))
        return connection

    def stop(self) -> None:
        """Finish the message in hand, then stop (safe to call from a signal handler)."""
        self._stop.set()
        connection = self._connection
        if connection is not None and connection.is_open:
            connection.add_callback_threadsafe(self._stop_consuming)

    def _stop_consuming(self) -> None:
        if self._channel is not None and self._channel.is_open:
            self._channel.stop_consuming()

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except pika.exceptions.AMQPError:
                pass

    # -- one message ------------------------------------------------------------------------------
    def _on_message(self, channel: BlockingChannel, method: Basic.Deliver, props: BasicProperties,
                    body: bytes) -> None:
        attempt = int((props.headers or {}).get("x-delivery-count", 0)) + 1
        if method.redelivered or attempt > 1:
            metrics.EVENTS_REDELIVERED.labels(self.service).inc()
        try:
            event = Envelope.from_body(body)
            applied = self._apply_waiting_for_db(event)
        except _Stopping:
            return  # left unacked: the broker hands it to the next consumer when we disconnect
        except PoisonMessage as exc:
            # No retry can fix a message we cannot read or do not know: dead-letter it now.
            self._dead_letter(channel, method, props, body, f"poison: {exc}", attempt)
            return
        except Exception as exc:  # noqa: BLE001 - a handler bug or a broken payload: retry, then dead-letter
            self._failed(channel, method, props, body, exc, attempt)
            return
        faults.crash_point("consumer_after_commit")  # test-only: committed, never acked -> redelivery
        if applied:
            metrics.EVENTS_CONSUMED.labels(self.service, event.type).inc()
        else:
            metrics.INBOX_DUPLICATES.labels(self.service).inc()
            log.info("duplicate delivery of %s %s absorbed", event.type, event.id)
        channel.basic_ack(method.delivery_tag)

    def _failed(self, channel: BlockingChannel, method: Basic.Deliver, props: BasicProperties, body: bytes,
                exc: Exception, attempt: int) -> None:
        metrics.EVENTS_FAILED.labels(self.service, props.type or "unknown").inc()
        log.error("handler failed for %s (attempt %d of %d): %r", props.message_id, attempt, self.max_attempts,
                  exc, exc_info=attempt >= self.max_attempts)
        if attempt >= self.max_attempts:
            self._dead_letter(channel, method, props, body, f"{exc.__class__.__name__}: {exc}", attempt)
            return
        # A short pause keeps a transient fault (deadlock, lock timeout) from burning every attempt at once.
        self._connection.sleep(min(0.1 * 2 ** attempt, 2.0))
        channel.basic_nack(method.delivery_tag, requeue=True)

    def _dead_letter(self, channel: BlockingChannel, method: Basic.Deliver, props: BasicProperties, body: bytes,
                     reason: str, attempt: int) -> None:
        """Move the message to this service's DLQ with why and after how many attempts, then ack it."""
        log.error("dead-lettering %s after %d attempt(s): %s", props.message_id, attempt, reason)
        headers = {k: v for k, v in (props.headers or {}).items() if not k.startswith("x-death")}
        headers.update({"x-error": reason[:2000], "x-attempts": attempt, "x-failed-at": utcnow().isoformat(),
                        "x-original-routing-key": method.routing_key, "x-service": self.service})
        copy = pika.BasicProperties(content_type=props.content_type, content_encoding=props.content_encoding,
                                    delivery_mode=2, message_id=props.message_id, type=props.type,
                                    correlation_id=props.correlation_id, app_id=props.app_id, headers=headers)
        try:
            self._dead_letters.basic_publish(self.topology.dead_letter_exchange,
                                             self.topology.dead_letter_queue(self.service), body, copy,
                                             mandatory=True)
        except pika.exceptions.AMQPError as exc:
            # Not confirmed: leave it to the broker, whose delivery limit dead-letters it (reason delivery_limit).
            log.error("could not dead-letter %s (%r); returning it to the queue", props.message_id, exc)
            channel.basic_nack(method.delivery_tag, requeue=True)
            return
        metrics.EVENTS_DEAD_LETTERED.labels(self.service, "poison" if reason.startswith("poison") else "failed").inc()
        channel.basic_ack(method.delivery_tag)

    def _apply_waiting_for_db(self, event: Envelope) -> bool:
        """Apply the event; while the database is unreachable, wait (servicing heartbeats) and retry."""
        backoff = Backoff(first=0.5, cap=5.0)
        while True:
            try:
                return apply_event(self.db, self.service, self.handlers, event)
            except DB_UNAVAILABLE:
                # OperationalError also covers SQLite's 'database is locked': worth waiting out as well.
                delay = backoff.next_delay()
                log.warning("database unavailable while handling %s; retrying in %.1fs", event.id, delay)
                self._connection.sleep(delay)
                if self._stop.is_set():
                    raise _Stopping() from None


class _Stopping(Exception):
    """Shutdown was requested while waiting for the database."""
