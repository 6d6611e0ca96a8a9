"""The three entry points every service has besides its web app: migrate, consumer, relay.

With HEALTH_PORT set, the consumer and the relay (and any other worker built on `worker_probe`) answer
/healthz and /readyz on that port, bound to HOST; without it nothing listens.
"""
from __future__ import annotations

import logging
import signal
import threading

from servicekit import migrations
from servicekit.db import Database
from servicekit.logs import configure_logging
from servicekit.messaging.consumer import Consumer
from servicekit.messaging.publisher import Publisher
from servicekit.messaging.relay import Relay
from servicekit.messaging.topology import Topology
from servicekit.probes import Probe
from servicekit.service import ServiceSpec

log = logging.getLogger(__name__)


def _database(settings) -> Database:
    return Database(settings.database_url, settings.service, pool_size=2,
                    connect_timeout=settings.db_connect_timeout)


def worker_probe(settings) -> Probe:
    """The probe a worker reports to; served over HTTP when HEALTH_PORT is set (a bind failure raises)."""
    probe = Probe()
    if settings.health_port is not None:
        probe.serve(settings.health_port, settings.health_host)
    return probe


def on_termination(stop) -> None:
    """Call `stop()` on SIGTERM or SIGINT (orchestrators stop processes with SIGTERM)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop())


def migrate(spec: ServiceSpec) -> None:
    settings = spec.settings()
    configure_logging(spec.name, settings.log_level, settings.log_format)
    migrations.upgrade(spec.package_dir, settings.database_url)
    log.info("%s database migrated", spec.name)


def run_consumer(spec: ServiceSpec) -> None:
    """Consume the service's queue until SIGTERM/SIGINT; the message in hand is finished first."""
    settings = spec.settings()
    configure_logging(spec.name, settings.log_level, settings.log_format)
    consumer = Consumer(_database(settings), spec.handlers, url=settings.amqp_url,
                        topology=Topology(settings.amqp_namespace), prefetch=settings.amqp_prefetch,
                        heartbeat=settings.amqp_heartbeat, max_attempts=settings.max_delivery_attempts,
                        probe=worker_probe(settings))
    on_termination(consumer.stop)
    consumer.run()


def run_relay(spec: ServiceSpec) -> None:
    """Publish the service's outbox until SIGTERM/SIGINT."""
    settings = spec.settings()
    configure_logging(spec.name, settings.log_level, settings.log_format)
    stop = threading.Event()
    on_termination(stop.set)
    publisher = Publisher(settings.amqp_url, Topology(settings.amqp_namespace),
                          heartbeat=settings.amqp_heartbeat, name=f"{spec.name}-relay")
    jobs = [(job.every, lambda session, job=job: job.run(session, settings)) for job in spec.periodic]
    Relay(_database(settings), publisher, poll_interval=settings.relay_poll_interval, jobs=jobs,
          probe=worker_probe(settings)).run(stop)
