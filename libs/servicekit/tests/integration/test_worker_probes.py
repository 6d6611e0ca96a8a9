"""The workers' /healthz and /readyz against the real RabbitMQ and PostgreSQL: a consumer and a relay, each
with its probe served on a free port as HEALTH_PORT would."""
import json
import threading
import urllib.error
import urllib.request

import pika
import pytest

from servicekit.db import Database
from servicekit.messaging import consumer as consumer_module
from servicekit.messaging.consumer import Consumer
from servicekit.messaging.envelope import Envelope
from servicekit.messaging.outbox import add_event
from servicekit.messaging.publisher import Publisher
from servicekit.messaging.relay import Relay
from servicekit.testing.infra import free_port
from servicekit.testing.probes import RecordingProbe

from .test_messaging import Running, count_effects, publish_raw, recording_handlers, wait_until


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


@pytest.fixture()
def probe():
    probe = RecordingProbe()
    probe.port = probe.serve(0, "127.0.0.1")
    yield probe
    probe.close()


def unreachable_database():
    """A PostgreSQL URL on a port nothing listens on: every connect is refused at once."""
    port = free_port()
    return Database(f"postgresql://postgres@127.0.0.1:{port}/nowhere", "kit", pool_size=1, connect_timeout=1)


def test_consumer_is_ready_once_consuming_and_not_after_it_stops(demo_db, amqp_url, topology, channel, probe):
    calls = []
    consumer = Consumer(demo_db, recording_handlers(calls), url=amqp_url, topology=topology, heartbeat=10,
                        probe=probe)
    assert get(probe.port, "/readyz") == (503, {"status": "not ready", "reason": "starting"})
    with Running(consumer):
        assert wait_until(lambda: get(probe.port, "/readyz")[0] == 200, timeout=8)
        assert get(probe.port, "/readyz") == (200, {"status": "ready"})
        assert consumer._connection is not None  # ready means the consumer is registered on a channel
        assert get(probe.port, "/healthz") == (200, {"status": "ok"})
        beats = probe.beats
        env = Envelope.new("demo.happened", {"note": "probed"}, producer="test", correlation_id="c")
        publish_raw(channel, topology, "demo.happened", env.to_json().encode(), env.id)
        assert wait_until(lambda: count_effects(demo_db, env.id) == 1, timeout=5)
        assert wait_until(lambda: probe.beats > beats, timeout=2)  # a handled message is progress
    assert get(probe.port, "/readyz") == (503, {"status": "not ready", "reason": "stopped"})
    assert probe.changes == [(True, ""), (False, "stopped")]


def test_an_idle_consumer_keeps_beating_and_stays_alive(demo_db, amqp_url, topology, monkeypatch):
    monkeypatch.setattr(consumer_module, "BEAT_INTERVAL", 0.05)
    probe = RecordingProbe(stale_after=0.6)
    port = probe.serve(0, "127.0.0.1")
    consumer = Consumer(demo_db, recording_handlers([]), url=amqp_url, topology=topology, heartbeat=10,
                        probe=probe)
    try:
        with Running(consumer):
            assert wait_until(lambda: get(port, "/readyz")[0] == 200, timeout=8)
            beats = probe.beats
            threading.Event().wait(1.5)  # idle: no message arrives; only the connection's timer beats
            assert probe.beats >= beats + 10
            assert get(port, "/healthz") == (200, {"status": "ok"})
        threading.Event().wait(1.0)  # stopped: nothing beats any more
        status, body = get(port, "/healthz")
        assert status == 503 and body["status"] == "stale" and body["limit_seconds"] == 0.6
    finally:
        probe.close()


def test_consumer_is_not_ready_while_its_connection_is_lost_and_ready_again_once_back(
        demo_db, amqp_url, topology, probe):
    consumer = Consumer(demo_db, recording_handlers([]), url=amqp_url, topology=topology, heartbeat=10,
                        probe=probe)

    def lose_the_connection():  # runs inside start_consuming, as a dropped socket would surface
        raise pika.exceptions.StreamLostError("test: connection reset")

    with Running(consumer):
        assert wait_until(lambda: get(probe.port, "/readyz")[0] == 200, timeout=8)
        first = consumer._connection
        first.add_callback_threadsafe(lose_the_connection)
        assert wait_until(lambda: consumer._connection not in (None, first) and len(probe.changes) >= 3, timeout=8)
        assert get(probe.port, "/readyz") == (200, {"status": "ready"})
    assert probe.changes[:3] == [(True, ""), (False, "broker connection lost (StreamLostError); reconnecting"),
                                 (True, "")]


def test_consumer_waiting_for_the_database_is_not_ready_but_alive_and_ready_once_it_is_back(
        demo_db, amqp_url, topology, channel, probe):
    db = unreachable_database()
    consumer = Consumer(db, recording_handlers([]), url=amqp_url, topology=topology, heartbeat=10, probe=probe)
    try:
        with Running(consumer):
            assert wait_until(lambda: get(probe.port, "/readyz")[0] == 200, timeout=8)
            env = Envelope.new("demo.happened", {"note": "late"}, producer="test", correlation_id="c")
            publish_raw(channel, topology, "demo.happened", env.to_json().encode(), env.id)
            assert wait_until(lambda: get(probe.port, "/readyz")[0] == 503, timeout=8)
            status, body = get(probe.port, "/readyz")
            assert body == {"status": "not ready", "reason": "waiting for the database (OperationalError)"}
            assert get(probe.port, "/healthz")[0] == 200
            consumer.db = demo_db  # the database comes back: the next retry reaches it
            assert wait_until(lambda: count_effects(demo_db, env.id) == 1, timeout=8)
            assert get(probe.port, "/readyz") == (200, {"status": "ready"})
    finally:
        db.dispose()
    assert probe.changes == [(True, ""), (False, "waiting for the database (OperationalError)"), (True, ""),
                             (False, "stopped")]


def test_relay_is_ready_after_a_publishing_cycle(demo_db, amqp_url, topology, probe):
    with demo_db.transaction() as s:
        add_event(s, "demo.happened", {"note": "relayed"})
    relay = Relay(demo_db, Publisher(amqp_url, topology, name="test-relay"), probe=probe)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    assert get(probe.port, "/readyz")[0] == 503
    thread.start()
    try:
        assert wait_until(lambda: get(probe.port, "/readyz")[0] == 200, timeout=8)
        assert get(probe.port, "/healthz") == (200, {"status": "ok"})
    finally:
        stop.set()
        thread.join(10)
    assert get(probe.port, "/readyz") == (503, {"status": "not ready", "reason": "stopped"})


def test_relay_backing_off_is_not_ready_and_says_why(amqp_url, topology, probe):
    db = unreachable_database()
    relay = Relay(db, Publisher(amqp_url, topology, name="test-relay"), probe=probe)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: (False, "OperationalError") in probe.changes, timeout=8)
        assert get(probe.port, "/readyz") == (503, {"status": "not ready", "reason": "OperationalError"})
        assert get(probe.port, "/healthz")[0] == 200
        beats = probe.beats
        assert wait_until(lambda: probe.beats > beats, timeout=3)  # still looping between backoffs
    finally:
        stop.set()
        thread.join(10)
        db.dispose()
