"""Outbox -> relay -> broker -> consumer -> inbox, against the real PostgreSQL and RabbitMQ."""
import threading
import time
import uuid

import pika
import pytest
from sqlalchemy import func, insert, select

from servicekit.messaging.consumer import Consumer
from servicekit.messaging.envelope import Envelope
from servicekit.messaging.handlers import HandlerRegistry
from servicekit.messaging.outbox import add_event
from servicekit.messaging.publisher import Publisher
from servicekit.messaging.relay import Relay
from servicekit.messaging.tables import inbox, outbox
from servicekit.messaging.topology import TopologyMismatch

from ..conftest import effects


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class Running:
    """A consumer on a background thread, as its entry point would run it."""

    def __init__(self, consumer):
        self.consumer = consumer
        self.thread = threading.Thread(target=consumer.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.consumer.stop()
        self.thread.join(10)


def make_consumer(demo_db, amqp_url, topology, handlers, max_attempts=3):
    return Consumer(demo_db, handlers, url=amqp_url, topology=topology, prefetch=5, heartbeat=10,
                    max_attempts=max_attempts)


def publish_raw(channel, topology, routing_key, body, message_id="m"):
    channel.basic_publish(topology.exchange, routing_key, body,
                          pika.BasicProperties(delivery_mode=2, message_id=message_id))


def recording_handlers(calls):
    handlers = HandlerRegistry()

    @handlers.on("demo.happened")
    def handle(session, event):
        calls.append(event.id)
        if event.data.get("fail"):
            raise RuntimeError("handler bug")
        session.execute(insert(effects).values(event_id=event.id, note=event.data.get("note")))

    return handlers


def count_effects(db, event_id):
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(effects).where(effects.c.event_id == event_id))


def dlq_bodies(channel, topology):
    bodies = []
    while True:
        method, props, body = channel.basic_get(topology.dead_letter_queue("kit"), auto_ack=True)
        if method is None:
            return bodies
        bodies.append((body, props.headers))


def test_relay_publishes_committed_events_with_confirms_and_marks_them(demo_db, amqp_url, topology, channel):
    topology.declare_exchanges(channel)
    channel.queue_declare("", exclusive=True)
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, topology.exchange, "demo.happened")
    with demo_db.transaction() as s:
        env = add_event(s, "demo.happened", {"note": "hello"})
    relay = Relay(demo_db, Publisher(amqp_url, topology, name="test-relay"))
    assert relay.publish_pending() >= 1
    method, props, body = channel.basic_get(queue, auto_ack=True)
    assert Envelope.from_body(body) == env
    assert props.message_id == env.id and props.delivery_mode == 2 and props.type == "demo.happened"
    with demo_db.transaction() as s:
        assert s.scalar(select(outbox.c.published_at).where(outbox.c.event_id == env.id)) is not None
    relay.publisher.close()


def test_rolled_back_transaction_publishes_nothing(demo_db):
    with pytest.raises(RuntimeError):
        with demo_db.transaction() as s:
            env = add_event(s, "demo.happened", {})
            raise RuntimeError("business rule failed")
    with demo_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(outbox).where(outbox.c.event_id == env.id)) == 0


def test_events_nobody_consumes_land_in_the_unrouted_queue(demo_db, amqp_url, topology, channel):
    with demo_db.transaction() as s:
        env = add_event(s, "nobody.listens", {})
    relay = Relay(demo_db, Publisher(amqp_url, topology, name="test-relay"))
    relay.publish_pending()
    relay.publisher.close()
    assert wait_until(lambda: channel.queue_declare(topology.unrouted_queue, passive=True).method.message_count > 0)
    seen = []
    while (got := channel.basic_get(topology.unrouted_queue, auto_ack=True))[0] is not None:
        seen.append(Envelope.from_body(got[2]).id)
    assert env.id in seen


def test_duplicate_delivery_applies_the_effect_once(demo_db, amqp_url, topology, channel):
    calls = []
    consumer = make_consumer(demo_db, amqp_url, topology, recording_handlers(calls))
    env = Envelope.new("demo.happened", {"note": "dup"}, producer="test", correlation_id="c")
    with Running(consumer):
        assert wait_until(lambda: consumer._connection is not None)
        for _ in range(3):
            publish_raw(channel, topology, "demo.happened", env.to_json().encode(), env.id)
        assert wait_until(lambda: len(calls) >= 1)
        time.sleep(0.5)
    assert count_effects(demo_db, env.id) == 1
    with demo_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(inbox).where(inbox.c.message_id == env.id)) == 1


def test_failing_handler_is_dead_lettered_after_exactly_max_attempts(demo_db, amqp_url, topology, channel):
    calls = []
    consumer = make_consumer(demo_db, amqp_url, topology, recording_handlers(calls), max_attempts=3)
    bad = Envelope.new("demo.happened", {"fail": True}, producer="test", correlation_id="c")
    good = Envelope.new("demo.happened", {"note": "fine"}, producer="test", correlation_id="c")
    with Running(consumer):
        assert wait_until(lambda: consumer._connection is not None)
        publish_raw(channel, topology, "demo.happened", bad.to_json().encode(), bad.id)
        publish_raw(channel, topology, "demo.happened", good.to_json().encode(), good.id)
        assert wait_until(lambda: calls.count(bad.id) >= 3 and good.id in calls)
        dead = []
        assert wait_until(lambda: dead.extend(dlq_bodies(channel, topology)) or dead)
    assert calls.count(bad.id) == 3
    assert Envelope.from_body(dead[0][0]).id == bad.id
    assert dead[0][1]["x-attempts"] == 3 and dead[0][1]["x-error"] == "RuntimeError: handler bug"
    assert dead[0][1]["x-original-routing-key"] == "demo.happened"
    assert count_effects(demo_db, good.id) == 1 and count_effects(demo_db, bad.id) == 0


def test_redeliveries_of_a_dying_consumer_spend_no_attempts(demo_db, amqp_url, topology, channel):
    """A consumer killed while holding a message (prefetched, never acked) hands it back to the queue; that
    must not count as a failed attempt, or healthy events in a crashing consumer's prefetch get dead-lettered."""
    calls = []
    consumer = make_consumer(demo_db, amqp_url, topology, recording_handlers(calls), max_attempts=2)
    env = Envelope.new("demo.happened", {"note": "fine"}, producer="test", correlation_id="c")
    with Running(consumer):  # declares the queue
        assert wait_until(lambda: consumer._connection is not None)
    publish_raw(channel, topology, "demo.happened", env.to_json().encode(), env.id)
    for _ in range(4):  # twice max_attempts deliveries, each to a consumer that dies before acking
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        dying = connection.channel()
        assert wait_until(lambda: dying.basic_get(topology.queue("kit"))[0] is not None)
        connection.close()  # unacked: the broker puts it back with one more delivery counted
    with Running(make_consumer(demo_db, amqp_url, topology, recording_handlers(calls), max_attempts=2)):
        assert wait_until(lambda: count_effects(demo_db, env.id) == 1)
        time.sleep(0.3)
    assert dlq_bodies(channel, topology) == []


@pytest.mark.parametrize("body", [b"{not json", b'{"id":"1","type":"demo.happened","version":9,'
                                  b'"occurred_at":"x","producer":"p","correlation_id":"c","data":{}}'])
def test_poison_messages_are_dead_lettered_at_once(demo_db, amqp_url, topology, channel, body):
    calls = []
    consumer = make_consumer(demo_db, amqp_url, topology, recording_handlers(calls))
    with Running(consumer):
        assert wait_until(lambda: consumer._connection is not None)
        publish_raw(channel, topology, "demo.happened", body)
        dead = []
        assert wait_until(lambda: dead.extend(dlq_bodies(channel, topology)) or dead)
    assert dead[0][0] == body and dead[0][1]["x-attempts"] == 1
    assert dead[0][1]["x-error"].startswith("poison:")
    assert calls == []


def test_a_queue_declared_with_other_arguments_stops_the_consumer_loudly(demo_db, amqp_url, topology, channel):
    topology.declare_exchanges(channel)
    channel.queue_declare(topology.queue("kit"), durable=True, arguments={"x-queue-type": "quorum"})
    consumer = make_consumer(demo_db, amqp_url, topology, recording_handlers([]))
    with pytest.raises(TopologyMismatch, match="x-dead-letter-exchange"):
        consumer.run()


def test_relay_runs_housekeeping_jobs_on_their_interval_and_survives_a_broken_one(demo_db):
    def note(session):
        session.execute(insert(effects).values(event_id="job", note=marker))

    def broken(session):
        raise RuntimeError("bug in a job")

    marker = f"job-{uuid.uuid4()}"
    relay = Relay(demo_db, publisher=None, jobs=[(3600, note), (3600, broken)])
    relay.run_due_jobs()
    relay.run_due_jobs()  # not due again for an hour
    with demo_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(effects).where(effects.c.note == marker)) == 1
