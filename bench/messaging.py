"""Item 1 (pika one-by-one confirms, messages/s) and item 5 (the relay draining a backlog of outbox rows)."""
from __future__ import annotations

import datetime as dt
import time
import uuid

import pika
from sqlalchemy import insert

from servicekit.db import Database
from servicekit.messaging.envelope import Envelope
from servicekit.messaging.publisher import Publisher
from servicekit.messaging.relay import Relay
from servicekit.messaging.tables import messaging_metadata, outbox
from servicekit.messaging.topology import Topology

from bench.environment import Infra
from bench.figures import Results

SECTION = "5 relay"


def _payload(n: int) -> dict:
    """About the size of a real `appointment.booked`."""
    return {"appointment_id": str(uuid.uuid4()), "service_code": "OT", "service_name": "Occupational Therapy",
            "therapist_id": str(uuid.uuid4()), "therapist_name": "Amélie Laurent",
            "start": "2026-12-01T09:00:00+01:00", "end": "2026-12-01T10:00:00+01:00",
            "client": {"first_name": "Lina", "last_name": f"Parent-{n}", "birth_date": "2019-05-04"},
            "guardian": {"first_name": "Maya", "last_name": "Parent", "email": f"maya{n}@example.org", "phone": None},
            "client_id": None, "source": "online", "notes": None}


class Sink:
    """The namespace's exchange with one durable quorum queue bound to every event, as consumers' queues are."""

    def __init__(self, run: Infra) -> None:
        self.topology, self.url = Topology(run.namespace), run.amqp_url
        self.queue = f"{run.namespace}.bench.sink"
        self._connection = pika.BlockingConnection(pika.URLParameters(self.url))
        channel = self._connection.channel()
        self.topology.declare_exchanges(channel)
        channel.queue_declare(self.queue, durable=True, arguments={"x-queue-type": "quorum"})
        channel.queue_bind(self.queue, self.topology.exchange, "#")
        self.channel = channel

    def purge(self) -> None:
        self.channel.queue_purge(self.queue)

    def close(self) -> None:
        self.channel.queue_delete(self.queue)
        self._connection.close()


def pika_one_by_one(sink: Sink, count: int) -> float:
    """Messages/s publishing persistent messages with `mandatory`, waiting for each confirm (BlockingChannel)."""
    connection = pika.BlockingConnection(pika.URLParameters(sink.url))
    channel = connection.channel()
    channel.confirm_delivery()
    bodies = [Envelope.new("appointment.booked", _payload(n), producer="bench", correlation_id="bench").to_json()
              for n in range(count)]
    started = time.perf_counter()
    for body in bodies:
        channel.basic_publish(sink.topology.exchange, "appointment.booked", body.encode(),
                              pika.BasicProperties(delivery_mode=2, content_type="application/json"), mandatory=True)
    elapsed = time.perf_counter() - started
    connection.close()
    sink.purge()
    return count / elapsed


def _stage_backlog(db: Database, rows: int) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    for chunk in range(0, rows, 2000):
        values = []
        for n in range(chunk, min(rows, chunk + 2000)):
            envelope = Envelope.new("appointment.booked", _payload(n), producer="bench", correlation_id="bench")
            values.append({"event_id": envelope.id, "event_type": envelope.type, "correlation_id": "bench",
                           "body": envelope.to_json(), "created_at": now})
        with db.transaction() as session:
            session.execute(insert(outbox), values)


def relay_backlog(db: Database, sink: Sink, rows: int) -> float:
    """Events/s the relay pushes from a backlog of `rows` outbox rows until none is left."""
    _stage_backlog(db, rows)
    relay = Relay(db, Publisher(sink.url, sink.topology, name="bench-relay"))
    started, published = time.perf_counter(), 0
    while count := relay.publish_pending():
        published += count
    elapsed = time.perf_counter() - started
    relay.publisher.close()
    sink.purge()
    if published != rows:
        raise RuntimeError(f"relay published {published} of {rows} rows")
    return rows / elapsed


def measure(results: Results, run: Infra, *, runs: int, messages: int, backlog: int) -> None:
    """Baseline (one-by-one confirms) and relay throughput, run by run, and their ratio."""
    db = Database(run.database("relay"), "bench")
    messaging_metadata.create_all(db.engine)
    sink = Sink(run)
    try:
        for _ in range(runs):
            results.add("1 baselines", "base.pika_one_by_one", "pika publishing, one confirm at a time",
                        "msg/s", pika_one_by_one(sink, messages))
            results.add(SECTION, "relay.events_per_s", f"relay draining {backlog:,} outbox rows", "events/s",
                        relay_backlog(db, sink, backlog))
    finally:
        sink.close()
        db.dispose()
    results.ratio(SECTION, "relay.ratio", "relay ÷ one-by-one confirms", "relay.events_per_s",
                  "base.pika_one_by_one")
