"""The relay publishes a batch at once and marks exactly the rows the broker confirmed, against real services."""
import socket
import threading
import uuid
from dataclasses import dataclass

import pika
import pytest
from sqlalchemy import select

from servicekit.db import Database
from servicekit.messaging.outbox import add_event
from servicekit.messaging.publisher import Publisher, PublishFailed
from servicekit.messaging.relay import Relay
from servicekit.messaging.tables import messaging_metadata, outbox
from servicekit.messaging.topology import Topology


@dataclass(frozen=True)
class TopologyWithoutAlternate(Topology):
    """The event exchange without an alternate exchange, so the broker returns unroutable messages."""

    def declare_exchanges(self, channel) -> None:
        channel.exchange_declare(self.exchange, "topic", durable=True)


@pytest.fixture()
def fresh_db(database_factory):
    """A database of its own: rows left unpublished on purpose must not reach other tests' relays."""
    db = Database(database_factory(f"relay_{uuid.uuid4().hex[:8]}"), "kit")
    messaging_metadata.create_all(db.engine)
    yield db
    db.dispose()


@pytest.fixture()
def probe_queue(channel, topology):
    """A queue bound to `demo.happened` on the topology's exchange; yields a function declaring it."""
    name = f"{topology.namespace}.probe"

    def declare(arguments=None, declared_by=topology):
        declared_by.declare_exchanges(channel)
        channel.queue_declare(name, durable=True, arguments=arguments or {"x-queue-type": "quorum"})
        channel.queue_bind(name, topology.exchange, "demo.happened")
        return name

    yield declare
    channel.queue_delete(name)


def stage(db, count, event_type="demo.happened", note=""):
    ids = []
    for n in range(count):
        with db.transaction() as s:
            ids.append(add_event(s, event_type, {"n": n, "note": note}).id)
    return ids


def outbox_state(db):
    with db.transaction() as s:
        return {r.event_id: r for r in s.execute(select(outbox.c.event_id, outbox.c.published_at,
                                                        outbox.c.attempts, outbox.c.last_error))}


def drain(channel, queue):
    ids = []
    while (got := channel.basic_get(queue, auto_ack=True))[0] is not None:
        ids.append(got[1].message_id)
    return ids


def test_a_batch_is_published_in_order_and_every_row_marked(fresh_db, amqp_url, topology, channel, probe_queue):
    queue = probe_queue()
    ids = stage(fresh_db, 300)
    relay = Relay(fresh_db, Publisher(amqp_url, topology, name="test-relay"), batch_size=200)
    assert relay.publish_pending() == 200
    assert relay.publish_pending() == 100
    relay.publisher.close()
    assert all(row.published_at is not None for row in outbox_state(fresh_db).values())
    assert drain(channel, queue) == ids


def test_an_unroutable_event_in_the_middle_of_a_batch_alone_stays_unpublished(
        fresh_db, amqp_url, topology, channel, probe_queue):
    strict = TopologyWithoutAlternate(topology.namespace)
    queue = probe_queue(declared_by=strict)
    before, unroutable, after = stage(fresh_db, 2), stage(fresh_db, 1, "nobody.listens"), stage(fresh_db, 2)
    relay = Relay(fresh_db, Publisher(amqp_url, strict, name="test-relay"))
    with pytest.raises(PublishFailed, match="unroutable"):
        relay.publish_pending()
    relay.publisher.close()
    state = outbox_state(fresh_db)
    assert [e for e in before + after if state[e].published_at is None] == []
    assert state[unroutable[0]].published_at is None and state[unroutable[0]].attempts == 1
    assert "unroutable" in state[unroutable[0]].last_error
    assert drain(channel, queue) == before + after


def test_events_the_broker_nacks_stay_unpublished_and_the_confirmed_ones_are_marked(
        fresh_db, amqp_url, topology, channel, probe_queue):
    queue = probe_queue({"x-max-length": 2, "x-overflow": "reject-publish"})
    ids = stage(fresh_db, 5)
    relay = Relay(fresh_db, Publisher(amqp_url, topology, name="test-relay"))
    with pytest.raises(PublishFailed, match="nacked"):
        relay.publish_pending()
    relay.publisher.close()
    state = outbox_state(fresh_db)
    assert [e for e in ids if state[e].published_at is not None] == ids[:2]
    assert all(state[e].attempts == 1 and state[e].last_error == "nacked by the broker" for e in ids[2:])
    assert drain(channel, queue) == ids[:2]


def test_a_connection_lost_mid_batch_leaves_every_unconfirmed_row_unmarked(
        fresh_db, amqp_url, topology, channel, probe_queue):
    queue = probe_queue()
    broker = pika.URLParameters(amqp_url)
    proxy = CuttingProxy(broker.host, broker.port)
    through_proxy = amqp_url.replace(f"{broker.host}:{broker.port}", f"127.0.0.1:{proxy.port}")
    relay = Relay(fresh_db, Publisher(through_proxy, topology, name="test-relay", heartbeat=10))
    warm_up = stage(fresh_db, 1)
    assert relay.publish_pending() == 1  # the publishing connection is open; now cut it mid-batch
    ids = stage(fresh_db, 10, note="x" * 2000)
    proxy.arm(allow_bytes=int(3.5 * 2500))
    with pytest.raises(PublishFailed):
        relay.publish_pending()
    relay.publisher.close()
    state = outbox_state(fresh_db)
    marked = {e for e in ids if state[e].published_at is not None}
    in_queue = set(drain(channel, queue)) - set(warm_up)
    assert marked and marked <= in_queue, "a row was marked that the broker does not have"
    unmarked = [e for e in ids if e not in marked]
    assert unmarked and all(state[e].attempts == 1 for e in unmarked)
    direct = Relay(fresh_db, Publisher(amqp_url, topology, name="test-relay"))
    assert direct.publish_pending() == len(unmarked)
    direct.publisher.close()
    proxy.close()
    assert set(drain(channel, queue)) | in_queue == set(ids)


class CuttingProxy:
    """A TCP proxy to the broker that, once armed, forwards `allow_bytes` more bytes from the client, holds
    the rest, and drops the connection half a second later (confirms for what got through still return)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.budget: int | None = None
        self.links: list[tuple[socket.socket, socket.socket]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, allow_bytes: int) -> None:
        self.budget = allow_bytes

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.links.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        try:
            while data := source.recv(65536):
                if from_client and self.budget is not None:
                    if len(data) >= self.budget:
                        sink.sendall(data[:self.budget])
                        threading.Timer(0.5, self._drop, (source, sink)).start()
                        return
                    self.budget -= len(data)
                sink.sendall(data)
        except OSError:
            pass

    @staticmethod
    def _drop(*sockets: socket.socket) -> None:
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass
