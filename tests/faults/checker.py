"""Reads every service's tables after a scenario and counts what was lost, duplicated or stuck."""
from __future__ import annotations

import email
import importlib
import math
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from email import policy
from email.utils import parseaddr
from pathlib import Path

import pika
import psycopg

from devstack.topology import COMPONENTS
from servicekit.messaging.consumer import MAX_RETRY_PAUSE

from .driver import Outcome

POLL = 0.5  # seconds between looks at the outboxes and queues

# Effects that must exist at most once (an effect applied twice is a duplicate), each query restricted to the
# ids of one scenario's workflows (`%s`: the list of the ids named beside it; None: the whole run).
DUPLICATE_QUERIES = {
    "crm": [("appointment", "SELECT appointment_id FROM opportunities WHERE appointment_id IS NOT NULL {and_in} "
                            "GROUP BY appointment_id HAVING count(*) > 1", "appointment_id")],
    "tasks": [("quotation", "SELECT quotation_id FROM tasks WHERE true {and_in} "
                            "GROUP BY quotation_id, quotation_line_id HAVING count(*) > 1", "quotation_id")],
    "billing": [
        ("task", "SELECT task_id FROM billable_items WHERE task_id IS NOT NULL {and_in} "
                 "GROUP BY task_id HAVING count(*) > 1", "task_id"),
        ("client", "SELECT l.billable_item_id FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id "
                   "WHERE i.status <> 'void' {and_in} GROUP BY l.billable_item_id HAVING count(*) > 1", "i.client_id"),
        ("client", "SELECT client_id FROM invoices WHERE status <> 'void' {and_in} "
                   "GROUP BY client_id HAVING count(*) > 1", "client_id"),
        ("client", "SELECT i.id FROM invoices i JOIN payments p ON p.invoice_id = i.id WHERE true {and_in} "
                   "GROUP BY i.id, i.total_minor HAVING count(*) > 2 OR sum(p.amount_minor) > i.total_minor",
         "i.client_id"),
    ],
    "notifications": [("client", "SELECT client_id FROM notifications WHERE kind = 'payment_confirmation' {and_in} "
                                 "GROUP BY client_id HAVING count(*) > 1", "client_id")],
}


@dataclass(frozen=True)
class Scope:
    """What one scenario judges: events born since it started, effects and e-mails of its own workflows.

    `outcomes=None` is the whole run (the last check, which also catches a duplicate that surfaced late).
    """

    since: float = 0.0
    outcomes: tuple[Outcome, ...] | None = None

    def ids(self, kind: str) -> list[str] | None:
        if self.outcomes is None:
            return None
        return [o.ids[kind] for o in self.outcomes if kind in o.ids]


@dataclass
class Figures:
    workflows: int
    lost: int
    duplicated: int
    stuck: int
    details: list[str]


class Checker:
    def __init__(self, urls: dict[str, str], mail_dir: Path, amqp_url: str, namespace: str) -> None:
        self.urls, self.mail_dir, self.amqp_url, self.namespace = urls, mail_dir, amqp_url, namespace
        self.consumers = {c.name: set(importlib.import_module(f"{c.name}.service").SPEC.handlers.event_types)
                          for c in COMPONENTS}

    def rows(self, service: str, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.urls[service], connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()

    # -- quiescence -------------------------------------------------------------------------------
    def pending(self) -> int:
        """Outbox rows not yet published plus messages waiting in the service queues."""
        unpublished = sum(self.rows(c.name, "SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]
                          for c in COMPONENTS)
        from servicekit.messaging.topology import Topology

        topology, queued = Topology(self.namespace), 0
        connection = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
        try:
            for component in COMPONENTS:
                if self.consumers[component.name]:
                    channel = connection.channel()
                    queued += channel.queue_declare(topology.queue(component.name), passive=True).method.message_count
                    channel.close()
        finally:
            connection.close()
        return unpublished + queued

    def wait_quiet(self, timeout: float) -> float:
        """Seconds until nothing has been pending for longer than a consumer's retry pause (events drained).

        A message in its retry pause is held unacked, which the queues' ready counts do not show: a calm
        shorter than the pause could end the wait while a retry (or its dead-lettering) is still to come.
        """
        started, calm, needed = time.monotonic(), 0, math.ceil(MAX_RETRY_PAUSE / POLL) + 2
        while time.monotonic() - started < timeout:
            try:
                calm = calm + 1 if self.pending() == 0 else 0
            except (psycopg.Error, pika.exceptions.AMQPError):
                calm = 0
            if calm >= needed:
                return time.monotonic() - started
            time.sleep(POLL)
        raise AssertionError(f"events still pending after {timeout:.0f}s")

    # -- the three figures ------------------------------------------------------------------------
    def lost(self, scope: Scope) -> list[str]:
        """Every event written since the scope began must be in the inbox of every service consuming its type."""
        missing = []
        processed = {c.name: {r[0] for r in self.rows(c.name, "SELECT message_id FROM inbox")} for c in COMPONENTS}
        for producer in COMPONENTS:
            for event_id, event_type, published in self.rows(
                    producer.name, "SELECT event_id, event_type, published_at FROM outbox "
                                   "WHERE created_at >= to_timestamp(%s)", (scope.since,)):
                for consumer, types in self.consumers.items():
                    if event_type in types and event_id not in processed[consumer]:
                        state = "published" if published else "never published"
                        missing.append(f"{event_type} {event_id} ({state}) not applied by {consumer}")
        return missing

    def duplicated(self, scope: Scope) -> list[str]:
        found = []
        for service, queries in DUPLICATE_QUERIES.items():
            for kind, sql, column in queries:
                ids = scope.ids(kind)
                query = sql.format(and_in="" if ids is None else f"AND {column} = ANY(%s)")
                for row in self.rows(service, query, () if ids is None else (ids,)):
                    found.append(f"{service}: {sql.split(' FROM ')[1][:60]}... -> {row[0]}")
        return found + self._duplicate_mails(scope)

    def _duplicate_mails(self, scope: Scope) -> list[str]:
        """Two e-mails carrying one message (same Message-ID), or two payment e-mails for one invoice."""
        ids, invoices = Counter(), Counter()
        recipients = scope.ids("email")
        wanted = None if recipients is None else set(recipients)
        for path in self.mail_dir.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if wanted is not None and parseaddr(str(message["To"] or ""))[1] not in wanted:
                continue
            ids[message["Message-ID"]] += 1
            subject = str(message["Subject"] or "")
            if "INV-" in subject and "payment" in subject.lower():
                invoices[next(w for w in subject.replace(":", " ").split() if w.startswith("INV-"))] += 1
        return ([f"e-mail {k} received {n} times" for k, n in ids.items() if n > 1]
                + [f"{n} payment e-mails for {k}" for k, n in invoices.items() if n > 1])

    def figures(self, outcomes: list[Outcome] | None, since: float = 0.0) -> Figures:
        """The three figures of one scenario (its workflows, events since `since`), or of the whole run (None)."""
        scope = Scope(since, None if outcomes is None else tuple(outcomes))
        lost, duplicated = self.lost(scope), self.duplicated(scope)
        outcomes = outcomes or []
        stuck = [f"workflow {o.number}: {o.error}" for o in outcomes if not o.done]
        return Figures(len(outcomes), len(lost), len(duplicated), len(stuck), lost[:5] + duplicated[:5] + stuck[:5])

    # -- latency ----------------------------------------------------------------------------------
    def hop_latencies(self, producer: str, consumer: str, event_type: str, since: float) -> list[float]:
        """Seconds from the producer's outbox write to the consumer's inbox commit, per event."""
        produced = dict(self.rows(producer, "SELECT event_id, created_at FROM outbox WHERE event_type = %s "
                                            "AND created_at > to_timestamp(%s)", (event_type, since)))
        applied = self.rows(consumer, "SELECT message_id, processed_at FROM inbox WHERE event_type = %s",
                            (event_type,))
        return [(done - produced[mid]).total_seconds() for mid, done in applied if mid in produced]


def percentiles(values: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    if not values:
        return 0.0, 0.0
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p99 * 1000
