"""Exchange and queue names and arguments: one topic exchange, one quorum queue + DLQ per consuming service."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import ChannelClosedByBroker

# Deliveries after which RabbitMQ itself dead-letters a message (reason `delivery_limit`). Failed handlers do
# not count here (the consumer retries with a fresh copy and dead-letters on MAX_DELIVERY_ATTEMPTS); only
# redeliveries do, which happen when a consumer dies holding the message. A message that kills every
# consumer it reaches is stopped after this many; a healthy message in a crashing consumer's prefetch never
# gets near it.
CRASH_REDELIVERY_LIMIT = 20


class TopologyMismatch(RuntimeError):
    """A queue or exchange exists with other arguments than this code requires: refuse to run."""


@dataclass(frozen=True)
class Topology:
    """Names, optionally prefixed by a namespace so test runs never touch each other's queues."""

    namespace: str = ""

    @property
    def _p(self) -> str:
        return f"{self.namespace}." if self.namespace else ""

    @property
    def exchange(self) -> str:
        return f"{self._p}therapy.events"

    @property
    def unrouted_exchange(self) -> str:
        return f"{self._p}therapy.unrouted"

    @property
    def unrouted_queue(self) -> str:
        return f"{self._p}therapy.unrouted"

    @property
    def dead_letter_exchange(self) -> str:
        return f"{self._p}therapy.dlx"

    def queue(self, service: str) -> str:
        return f"{self._p}{service}.events"

    def dead_letter_queue(self, service: str) -> str:
        return f"{self._p}{service}.dlq"

    def queue_arguments(self, service: str) -> dict[str, Any]:
        """Quorum queue, bounded deliveries, at-least-once dead-lettering into the service's DLQ."""
        return {
            "x-queue-type": "quorum",
            "x-delivery-limit": CRASH_REDELIVERY_LIMIT,
            "x-dead-letter-exchange": self.dead_letter_exchange,
            "x-dead-letter-routing-key": self.dead_letter_queue(service),
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        }

    def declare_exchanges(self, channel: BlockingChannel) -> None:
        """The event exchange; events nobody subscribes to go to an alternate exchange, never nowhere."""
        channel.exchange_declare(self.unrouted_exchange, "fanout", durable=True)
        channel.queue_declare(self.unrouted_queue, durable=True,
                              arguments={"x-queue-type": "quorum", "x-max-length": 100_000})
        channel.queue_bind(self.unrouted_queue, self.unrouted_exchange)
        channel.exchange_declare(self.exchange, "topic", durable=True,
                                 arguments={"alternate-exchange": self.unrouted_exchange})
        channel.exchange_declare(self.dead_letter_exchange, "direct", durable=True)

    def declare_service_queue(self, channel: BlockingChannel, service: str, event_types: Iterable[str]) -> str:
        """The service's queue, its bindings and its dead-letter queue; returns the queue name."""
        self.declare_exchanges(channel)
        dlq = self.dead_letter_queue(service)
        channel.queue_declare(dlq, durable=True, arguments={"x-queue-type": "quorum"})
        channel.queue_bind(dlq, self.dead_letter_exchange, routing_key=dlq)
        queue = self.queue(service)
        channel.queue_declare(queue, durable=True, arguments=self.queue_arguments(service))
        for event_type in event_types:
            channel.queue_bind(queue, self.exchange, routing_key=event_type)
        return queue

    def delete_all(self, channel: BlockingChannel, services: Iterable[str]) -> None:
        """Remove everything a namespace declared (test teardown)."""
        for service in services:
            channel.queue_delete(self.queue(service))
            channel.queue_delete(self.dead_letter_queue(service))
        channel.queue_delete(self.unrouted_queue)
        for name in (self.exchange, self.unrouted_exchange, self.dead_letter_exchange):
            channel.exchange_delete(name)


def verify_topology(topology: Topology, channel: BlockingChannel, service: str, event_types: Iterable[str]) -> str:
    """Declare the service's queues with the arguments they must have; fail loudly if the broker has others.

    RabbitMQ compares every `x-` argument of a redeclared queue (type, delivery limit, dead-letter exchange
    and routing key, dead-letter strategy, overflow) and refuses a mismatch with 406 PRECONDITION_FAILED.
    """
    try:
        return topology.declare_service_queue(channel, service, event_types)
    except ChannelClosedByBroker as exc:
        if exc.reply_code != 406:
            raise
        raise TopologyMismatch(
            f"RabbitMQ refused the topology of '{service}': {exc.reply_text}. The queue "
            f"{topology.queue(service)} must be declared with {topology.queue_arguments(service)}; "
            "an existing queue declared differently must be drained "
            "and deleted before this version starts (README, 'Reliability').") from exc
