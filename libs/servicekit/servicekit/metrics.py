"""Prometheus metrics. With PROMETHEUS_MULTIPROC_DIR set, the API's /metrics also shows consumer and relay figures."""
from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

REQUEST_LATENCY = Histogram(
    "http_request_duration_seconds", "HTTP request latency", ["service", "method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_PUBLISHED = Counter("events_published_total", "Events published with a broker confirm", ["service", "type"])
EVENTS_CONSUMED = Counter("events_consumed_total", "Events handled and acked", ["service", "type"])
EVENTS_REDELIVERED = Counter("events_redelivered_total", "Deliveries flagged as redelivered", ["service"])
EVENTS_DEAD_LETTERED = Counter("events_dead_lettered_total", "Events rejected to the dead-letter queue",
                               ["service", "reason"])
EVENTS_FAILED = Counter("events_failed_total", "Handler failures returned to the queue", ["service", "type"])
INBOX_DUPLICATES = Counter("inbox_duplicates_total", "Duplicate deliveries absorbed by the inbox", ["service"])


class OutboxLag:
    """Outbox rows pending and the age of the oldest, read from the database at scrape time.

    Read at scrape rather than reported by the relay, so the figures keep growing when the relay is dead,
    which is exactly when someone needs to see them.
    """

    def __init__(self, db: Any) -> None:
        self.db = db

    def collect(self):
        from servicekit.messaging.tables import outbox

        with self.db.transaction() as session:
            count, oldest = session.execute(select(func.count(), func.min(outbox.c.created_at))
                                            .where(outbox.c.published_at.is_(None))).one()
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=dt.timezone.utc)
        age = (dt.datetime.now(dt.timezone.utc) - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily("outbox_pending", "Outbox rows not yet published", value=count)
        yield GaugeMetricFamily("outbox_oldest_pending_age_seconds", "Age of the oldest unpublished outbox row",
                                value=max(age, 0.0))


def _registry() -> CollectorRegistry | None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return None


def metrics_response(db: Any) -> Response:
    """Process (or multi-process) metrics plus the outbox lag of this service's database."""
    registry = _registry()
    body = generate_latest(registry) if registry else generate_latest()
    lag = CollectorRegistry(auto_describe=False)
    lag.register(OutboxLag(db))
    return Response(body + generate_latest(lag), mimetype=CONTENT_TYPE_LATEST)


def install_request_metrics(app: Flask, service: str) -> None:
    """Time every request, labelled by endpoint (not raw path, to keep cardinality bounded)."""

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.get("request_started")
        if started is not None:
            REQUEST_LATENCY.labels(service, request.method, request.endpoint or "unmatched",
                                   str(response.status_code)).observe(time.perf_counter() - started)
        return response
