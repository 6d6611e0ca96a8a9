"""Broker fixtures for the messaging integration tests: a private namespace and a plain channel."""
import uuid

import pika
import pytest

from servicekit.messaging.topology import Topology


@pytest.fixture()
def topology(amqp_url, run_id):
    topo = Topology(f"kit-{run_id}-{uuid.uuid4().hex[:6]}")
    yield topo
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    topo.delete_all(conn.channel(), ["kit"])
    conn.close()


@pytest.fixture()
def channel(amqp_url):
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    yield conn.channel()
    conn.close()
