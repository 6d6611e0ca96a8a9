"""Where tests find PostgreSQL and RabbitMQ: the environment, the local services, or testcontainers."""
from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlparse

import pika
import psycopg
from psycopg import sql

_containers: list = []


def free_port() -> int:
    """A local TCP port nothing listens on right now (for a server a test starts, or to be refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres_admin_url() -> str:
    """A PostgreSQL URL with rights to CREATE DATABASE (TEST_DATABASE_URL, local server, or a container)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if _reachable("127.0.0.1", 5432):
        return "postgresql://postgres@127.0.0.1:5432/postgres"
    from testcontainers.postgres import PostgresContainer  # only when no server is configured

    container = PostgresContainer("postgres:16-alpine", driver=None).start()
    _containers.append(container)
    return container.get_connection_url()


def amqp_url() -> str:
    """A RabbitMQ URL (TEST_AMQP_URL / AMQP_URL, local broker, or a container)."""
    url = os.environ.get("TEST_AMQP_URL") or os.environ.get("AMQP_URL")
    if url:
        return url
    if _reachable("127.0.0.1", 5672):
        return "amqp://guest:guest@127.0.0.1:5672/%2F"
    from testcontainers.rabbitmq import RabbitMqContainer

    container = RabbitMqContainer("rabbitmq:3.13-management").start()
    _containers.append(container)
    host, port = container.get_container_host_ip(), container.get_exposed_port(5672)
    return f"amqp://guest:guest@{host}:{port}/%2F"


def stop_containers() -> None:
    while _containers:
        _containers.pop().stop()


def run_id() -> str:
    return uuid.uuid4().hex[:10]


def _server_url(admin_url: str, dbname: str) -> str:
    parsed = urlparse(admin_url)
    return parsed._replace(path="/" + dbname).geturl()


def create_database(admin_url: str, name: str) -> str:
    """Create a fresh database and return its URL."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return _server_url(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def delete_namespace(url: str, namespace: str, services: list[str]) -> None:
    """Remove every queue and exchange a test namespace declared."""
    from servicekit.messaging.topology import Topology

    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        Topology(namespace).delete_all(connection.channel(), services)
    finally:
        connection.close()
