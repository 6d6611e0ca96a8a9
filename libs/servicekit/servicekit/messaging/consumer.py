"""The consumer: one message at a time, effect + inbox row in one transaction, ack only after commit.

Attempts are counted per handler failure, not per delivery: a failed message goes back to the end of the
queue as a copy carrying `x-attempts` (published with confirms, then the original acked), and is
dead-lettered by the consumer on the MAX_DELIVERY_ATTEMPTS-th failure. Redeliveries caused by a consumer
dying (its prefetched messages come back) spend none of those attempts; the queue's own delivery limit is
only a backstop against a message that kills every consumer it reaches (topology.CRASH_REDELIVERY_LIMIT).
"""
from __future__ import annotations

import functools
import logging
import threading

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import Basic, BasicProperties
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from servicekit import context, faults, metrics
from servicekit.db import DB_UNAVAILABLE, Database, utcnow
from servicekit.messaging.connection import Backoff, connect, is_configuration_error, retrying
from servicekit.messaging.envelope import Envelope, PoisonMessage
from servicekit.messaging.handlers import HandlerRegistry
from servicekit.messaging.tables import inbox
from servicekit.messaging.topology import Topology, verify_topology
from servicekit.probes import Probe

log = logging.getLogger(__name__)

# The longest pause before a failed message is retried; meanwhile it is held unacked, not in the queue.
MAX_RETRY_PAUSE = 2.0
# An idle consumer still shows it is alive: a timer on its connection beats the probe this often (seconds).
BEAT_INTERVAL = 10.0


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
                 prefetch: int = 20, heartbeat: int = 30, max_attempts: int = 5,
                 probe: Probe | None = None) -> None:
        self.db, self.handlers, self.url, self.topology = db, handlers, url, topology
        self.service = db.service
        self.prefetch, self.heartbeat, self.max_attempts = prefetch, heartbeat, max_attempts
        self.probe = probe or Probe()  # liveness/readiness; served over HTTP only if the caller serves it
        self._stop = threading.Event()
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None
        self._moves: BlockingChannel | None = None  # confirming channel for retry copies and dead letters

    # -- lifecycle --------------------------------------------------------------------------------
    def run(self) -> None:
        """Consume until stopped; reconnect after broker outages with capped backoff."""
        backoff = Backoff()
        while not self._stop.is_set():
            if retrying(f"{self.service} consumer connect", self._open, self._beat_unless_stopped,
                        backoff) is None:
                break
            try:
                self._channel.start_consuming()
            except (pika.exceptions.ConnectionClosedByBroker, pika.exceptions.AMQPConnectionError,
                    pika.exceptions.StreamLostError, pika.exceptions.ChannelWrongStateError) as exc:
                self.probe.ready(False, f"broker connection lost ({exc.__class__.__name__}); reconnecting")
                if is_configuration_error(exc):
                    raise
                log.warning("consumer connection lost (%s); reconnecting", exc.__class__.__name__)
                self._stop.wait(backoff.next_delay())
            finally:
                self._close()
        self.probe.ready(False, "stopped")
        log.info("consumer stopped")

    def _beat_unless_stopped(self) -> bool:
        """Asked before every connection attempt: waiting out a broker outage is progress, not a hang."""
        self.probe.beat()
        return self._stop.is_set()

    def _open(self) -> pika.BlockingConnection:
        connection = connect(self.url, heartbeat=self.heartbeat, name=f"{self.service}-consumer")
        channel = connection.channel()
        queue = verify_topology(self.topology, channel, self.service, self.handlers.event_types)
        moves = connection.channel()
        moves.confirm_delivery()
        channel.basic_qos(prefetch_count=self.prefetch)
        channel.basic_consume(queue, self._on_message, auto_ack=False)
        self._connection, self._channel, self._moves = connection, channel, moves
        self.probe.ready(True)
        self._beat_while_open(connection)
        log.info("consuming %s (%s)", queue, ", ".join(self.handlers.event_types))
        return connection

    def _beat_while_open(self, connection: pika.BlockingConnection) -> None:
        """Beat now and every BEAT_INTERVAL while this connection is open (its timers run in start_consuming)."""
        self.probe.beat()
        if connection.is_open and not self._stop.is_set():
            connection.call_later(BEAT_INTERVAL, functools.partial(self._beat_while_open, connection))

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
        try:
            self._handle(channel, method, props, body)
        finally:
            self.probe.beat()

    def _handle(self, channel: BlockingChannel, method: Basic.Deliver, props: BasicProperties,
                body: bytes) -> None:
        headers = props.headers or {}
        attempt = int(headers.get("x-attempts", 0)) + 1  # handler failures so far, carried by retry copies
        if method.redelivered or headers.get("x-delivery-count"):
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
        reason = f"{exc.__class__.__name__}: {exc}"
        if attempt >= self.max_attempts:
            self._dead_letter(channel, method, props, body, reason, attempt)
            return
        # A short pause keeps a transient fault (deadlock, lock timeout) from burning every attempt at once;
        # the copy then waits behind whatever is queued, which gives the cause more time to go away.
        self._connection.sleep(min(0.1 * 2 ** attempt, MAX_RETRY_PAUSE))
        self._move(channel, method, props, body, "", self.topology.queue(self.service),
                   {"x-attempts": attempt, "x-error": reason[:2000],
                    "x-original-routing-key": _routing_key(method, props)})

    def _dead_letter(self, channel: BlockingChannel, method: Basic.Deliver, props: BasicProperties, body: bytes,
                     reason: str, attempt: int) -> None:
        """Move the message to this service's DLQ with why and after how many attempts."""
        log.error("dead-lettering %s after %d attempt(s): %s", props.message_id, attempt, reason)
        if self._move(channel, method, props, body, self.topology.dead_letter_exchange,
                      self.topology.dead_letter_queue(self.service),
                      {"x-error": reason[:2000], "x-attempts": attempt, "x-failed-at": utcnow().isoformat(),
                       "x-original-routing-key": _routing_key(method, props), "x-service": self.service}):
            metrics.EVENTS_DEAD_LETTERED.labels(
                self.service, "poison" if reason.startswith("poison") else "failed").inc()

    def _move(self, channel: BlockingChannel, method: Basic.Deliver, props: BasicProperties, body: bytes,
              exchange: str, routing_key: str, headers: dict) -> bool:
        """Publish a copy (with `headers`) and, once the broker confirmed it, ack the original.

        Unconfirmed, the original goes back to the queue instead, so the message is never lost; a crash
        between the confirm and the ack leaves two copies, and the inbox absorbs the second.
        """
        kept = {k: v for k, v in (props.headers or {}).items() if not k.startswith(("x-death", "x-delivery"))}
        copy = pika.BasicProperties(content_type=props.content_type, content_encoding=props.content_encoding,
                                    delivery_mode=2, message_id=props.message_id, type=props.type,
                                    correlation_id=props.correlation_id, app_id=props.app_id,
                                    headers={**kept, **headers})
        try:
            self._moves.basic_publish(exchange, routing_key, body, copy, mandatory=True)
        except pika.exceptions.AMQPError as exc:
            log.error("could not move %s to %s (%r); returning it to the queue", props.message_id,
                      routing_key, exc)
            channel.basic_nack(method.delivery_tag, requeue=True)
            return False
        channel.basic_ack(method.delivery_tag)
        return True

    def _apply_waiting_for_db(self, event: Envelope) -> bool:
        """Apply the event; while the database is unreachable, wait (servicing heartbeats) and retry.

        Meanwhile the probe reports not ready, but alive: the beat timer cannot fire inside this callback
        (pika does not nest dispatch), so each wait beats itself.
        """
        backoff = Backoff(first=0.5, cap=5.0)
        waited = False
        while True:
            answered = True
            try:
                return apply_event(self.db, self.service, self.handlers, event)
            except DB_UNAVAILABLE as exc:
                # OperationalError also covers SQLite's 'database is locked': worth waiting out as well.
                answered = False
                if not waited:
                    self.probe.ready(False, f"waiting for the database ({exc.__class__.__name__})")
                    waited = True
                delay = backoff.next_delay()
                log.warning("database unavailable while handling %s; retrying in %.1fs", event.id, delay)
                self.probe.beat()
                self._connection.sleep(delay)
                if self._stop.is_set():
                    raise _Stopping() from None
            finally:
                if waited and answered:
                    self.probe.ready(True)  # the database is back (whether or not the handler then succeeded)


def _routing_key(method: Basic.Deliver, props: BasicProperties) -> str:
    """The event's own routing key, also for a retry copy (which came straight to the queue)."""
    return str((props.headers or {}).get("x-original-routing-key") or method.routing_key)


class _Stopping(Exception):
    """Shutdown was requested while waiting for the database."""
