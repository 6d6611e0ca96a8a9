"""Publishing with publisher confirms and `mandatory`, a batch at a time.

Every message of a batch is written to the channel at once and the broker's confirms are awaited together:
one round trip per batch instead of one per message. A message counts as published only when the broker
acked it and did not return it as unroutable; whatever a nack, a return, a timeout or a lost connection
leaves unconfirmed is reported as such, message by message, so the caller marks exactly the confirmed ones.

pika's BlockingChannel waits for each confirm inside `basic_publish`, so the batch runs on a SelectConnection
(pika's asynchronous adapter) whose I/O loop is driven from the caller's thread only while it waits.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import pika
from pika.adapters.select_connection import SelectConnection
from pika.exceptions import AMQPConnectionError, AMQPError

from servicekit.messaging.connection import connect, parameters
from servicekit.messaging.topology import Topology

log = logging.getLogger(__name__)

OPEN_TIMEOUT = 15.0  # seconds to open the connection and the confirming channel


class PublishFailed(Exception):
    """The broker did not confirm the message (nack, unroutable, or the connection went away)."""


@dataclass(frozen=True)
class Message:
    """One event as it goes onto the exchange (routing key = event type)."""

    body: str
    event_type: str
    event_id: str
    correlation_id: str
    producer: str

    def properties(self) -> pika.BasicProperties:
        return pika.BasicProperties(
            content_type="application/json", content_encoding="utf-8", delivery_mode=2,
            message_id=self.event_id, correlation_id=self.correlation_id, type=self.event_type,
            app_id=self.producer,
        )


@dataclass
class BatchResult:
    """Indexes (into the batch) the broker confirmed, in order; every other index maps to why it was not."""

    confirmed: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)

    @classmethod
    def none_confirmed(cls, size: int, reason: str) -> "BatchResult":
        return cls([], {index: reason for index in range(size)})


class Confirmations:
    """Bookkeeping of one batch: delivery tags to messages, returns (unroutable), acks and nacks."""

    def __init__(self, messages: Sequence[Message], first_tag: int) -> None:
        self.messages = list(messages)
        self.pending = {first_tag + index: index for index in range(len(self.messages))}
        self.confirmed: set[int] = set()
        self.failed: dict[int, str] = {}
        self._returned: dict[str, str] = {}

    @property
    def done(self) -> bool:
        return not self.pending

    def returned(self, message_id: str, reason: str) -> None:
        """The broker returned a mandatory message; its ack, which follows, does not make it published."""
        self._returned[message_id] = reason

    def settled(self, delivery_tag: int, *, multiple: bool, acked: bool) -> None:
        """A basic.ack / basic.nack for one tag, or for every tag up to it when `multiple`."""
        tags = [t for t in self.pending if t <= delivery_tag] if multiple else [delivery_tag]
        for tag in tags:
            index = self.pending.pop(tag, None)
            if index is None:
                continue
            returned = self._returned.get(self.messages[index].event_id)
            if not acked:
                self.failed[index] = "nacked by the broker"
            elif returned is not None:
                self.failed[index] = returned
            else:
                self.confirmed.add(index)

    def fail_pending(self, reason: str) -> None:
        """Everything still waiting for a confirm failed (connection lost, channel closed, timeout)."""
        for index in self.pending.values():
            self.failed[index] = reason
        self.pending.clear()

    def result(self) -> BatchResult:
        return BatchResult(sorted(self.confirmed), dict(sorted(self.failed.items())))


class _Link:
    """A SelectConnection with one confirming channel, driven synchronously by the thread that uses it."""

    def __init__(self, params: pika.URLParameters) -> None:
        self.channel = None
        self.error: BaseException | str | None = None
        self.batch: Confirmations | None = None
        self.tags_used = 0  # delivery tags are numbered per channel from 1
        self._done: Callable[[], bool] = lambda: False
        self.connection = SelectConnection(params, on_open_callback=self._on_open,
                                           on_open_error_callback=self._on_failure,
                                           on_close_callback=self._on_failure)
        if not self.run_until(lambda: self.channel is not None, OPEN_TIMEOUT):
            error = self.error or f"no confirming channel within {OPEN_TIMEOUT:.0f}s"
            self.close()
            raise AMQPConnectionError(error)

    @property
    def usable(self) -> bool:
        return self.error is None and self.channel is not None and self.channel.is_open

    # -- driving the I/O loop ---------------------------------------------------------------------
    def run_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Run the I/O loop until `done()`, a failure, or `timeout` seconds; returns `done()`."""
        self._done = done
        deadline = time.monotonic() + timeout
        try:
            while self.error is None and not done() and (left := deadline - time.monotonic()) > 0:
                self._drive(left)
        finally:
            self._done = lambda: False
        return done()

    def pump(self) -> None:
        """Handle whatever I/O and timers are due (heartbeats) without waiting."""
        self._drive(0.0)

    def _drive(self, seconds: float) -> None:
        ioloop = self.connection.ioloop
        timer = ioloop.call_later(seconds, ioloop.stop)
        try:
            ioloop.start()
        finally:
            ioloop.remove_timeout(timer)

    def _wake(self) -> None:
        """Stop the loop once what the caller waits for has happened (callbacks only run inside the loop)."""
        if self.error is not None or self._done():
            self.connection.ioloop.stop()

    # -- callbacks --------------------------------------------------------------------------------
    def _on_open(self, connection: SelectConnection) -> None:
        connection.channel(on_open_callback=self._on_channel)

    def _on_channel(self, channel) -> None:
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(self._on_confirm, callback=lambda _frame: self._confirming(channel))

    def _confirming(self, channel) -> None:
        self.channel = channel
        self._wake()

    def _on_failure(self, _connection: SelectConnection, error: BaseException | str) -> None:
        self.error = self.error or error
        if self.batch is not None:
            self.batch.fail_pending(f"broker connection lost before the confirm: {error!r}")
        self._wake()

    def _on_channel_closed(self, _channel, error: BaseException) -> None:
        self._on_failure(self.connection, error)
        if self.connection.is_open:
            self.connection.close()

    def _on_return(self, _channel, method, properties, _body) -> None:
        if self.batch is not None:
            self.batch.returned(properties.message_id,
                                f"unroutable: returned by the broker ({method.reply_code} {method.reply_text})")

    def _on_confirm(self, frame) -> None:
        method = frame.method
        if self.batch is not None:
            self.batch.settled(method.delivery_tag, multiple=method.multiple,
                               acked=isinstance(method, pika.spec.Basic.Ack))
        self._wake()

    # -- publishing -------------------------------------------------------------------------------
    def publish(self, exchange: str, messages: Sequence[Message], timeout: float) -> BatchResult:
        """Write every message, then wait for all their confirms (or a failure, or `timeout`)."""
        batch = self.batch = Confirmations(messages, first_tag=self.tags_used + 1)
        try:
            for message in messages:
                self.channel.basic_publish(exchange, message.event_type, message.body.encode("utf-8"),
                                           message.properties(), mandatory=True)
                self.tags_used += 1
            if not self.run_until(lambda: batch.done, timeout) and self.error is None:
                self.error = f"no confirm within {timeout:.0f}s"
        except (AMQPError, OSError) as exc:
            self.error = self.error or exc
        finally:
            self.batch = None
        batch.fail_pending(f"not confirmed: {self.error!r}")
        return batch.result()

    def close(self) -> None:
        connection = self.connection
        try:
            if not (connection.is_closed or connection.is_closing):
                connection.close()
            self.error = self.error or "closed"
            self._done = lambda: connection.is_closed
            deadline = time.monotonic() + 2.0
            while not connection.is_closed and time.monotonic() < deadline:
                self._drive(deadline - time.monotonic())
        except (AMQPError, OSError):
            pass
        finally:
            connection.ioloop.close()


class Publisher:
    """One publishing connection, opened lazily and reopened after a failure."""

    def __init__(self, url: str, topology: Topology, *, heartbeat: int = 30, name: str = "publisher",
                 confirm_timeout: float | None = None) -> None:
        self.url, self.topology, self.heartbeat, self.name = url, topology, heartbeat, name
        # A stalled broker shows as missing heartbeats within two intervals; confirms get the same bound.
        self.confirm_timeout = confirm_timeout or max(2.0 * heartbeat, 10.0)
        self._link: _Link | None = None
        self._next_connect = 0.0

    def _ensure_link(self) -> _Link:
        if self._link is None or not self._link.usable:
            self.close()
            setup = connect(self.url, heartbeat=self.heartbeat, name=f"{self.name}-setup")
            try:  # Topology declares synchronously: do it on a short blocking connection
                self.topology.declare_exchanges(setup.channel())
            finally:
                setup.close()
            self._link = _Link(parameters(self.url, heartbeat=self.heartbeat, name=self.name))
        return self._link

    def publish_batch(self, messages: Sequence[Message]) -> BatchResult:
        """Publish persistent messages in order and wait for all confirms together; never raises."""
        if not messages:
            return BatchResult()
        try:
            link = self._ensure_link()
        except (AMQPError, OSError) as exc:
            self.close()
            return BatchResult.none_confirmed(len(messages), f"broker unreachable: {exc!r}")
        result = link.publish(self.topology.exchange, messages, self.confirm_timeout)
        if not link.usable:
            self.close()
        return result

    def publish(self, body: str, *, event_type: str, event_id: str, correlation_id: str, producer: str) -> None:
        """Publish one persistent event; raises PublishFailed unless the broker confirmed it."""
        result = self.publish_batch([Message(body, event_type, event_id, correlation_id, producer)])
        if result.failed:
            raise PublishFailed(f"{event_type} {event_id}: {result.failed[0]}")

    def keepalive(self) -> None:
        """While idle: service heartbeats, and reopen a broken connection (at most once a second).

        Heartbeats only run inside pika calls, so an idle relay must call this; reconnecting eagerly means a
        dropped or stalled link is replaced within a couple of heartbeat intervals, not at the next event.
        """
        now = time.monotonic()
        if self._link is None and now < self._next_connect:
            return
        try:
            link = self._ensure_link()
            link.pump()
            if not link.usable:
                raise AMQPConnectionError(link.error)
        except (AMQPError, OSError):
            self.close()
            self._next_connect = now + 1.0

    def close(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            link.close()
