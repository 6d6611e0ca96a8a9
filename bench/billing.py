"""Item 7: billing scaled out — a backlog of `task.completed` events drained by 1 vs 3 consumer processes,
then invoices and payments through the gateway with 1 vs 3 billing API workers, checked for correctness."""
from __future__ import annotations

import datetime as dt
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pika
import psycopg
import requests

from servicekit.messaging.envelope import Envelope
from servicekit.messaging.publisher import Message, Publisher
from servicekit.messaging.topology import Topology

from bench.environment import CpuMeter, System, component, wait_http
from bench.figures import Results

SECTION = "7 billing"
SESSIONS_PER_FAMILY = 5  # five billable sessions -> one invoice of 400.00 -> five payments of 80.00


def _completed(client_id: str) -> Envelope:
    return Envelope.new("task.completed", {
        "task_id": str(uuid.uuid4()), "project": "Occupational Therapy Clients", "client_id": client_id,
        "client_name": f"Bench Child {client_id[:8]}", "quotation_id": str(uuid.uuid4()),
        "quotation_line_id": str(uuid.uuid4()), "service_code": "OT", "therapist_id": str(uuid.uuid4()),
        "minutes_logged": 50, "completed_at": dt.datetime.now(dt.timezone.utc).isoformat(), "currency": "EUR",
        "billable": {"description": "Occupational therapy session", "quantity": 1, "unit_price": "80.00"},
        "package_credit": None}, producer="tasks", correlation_id="bench-billing")


def _queued(system: System) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(system.infra.amqp_url))
    try:
        queue = Topology(system.infra.namespace).queue("billing")
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()


def backlog(system: System, families: list[str]) -> list[str]:
    """Publish the events (no billing consumer running) and wait until they all sit in billing's queue.

    Families take turns, as sessions completed over days would: five adjacent events of one new client would
    have the consumers race to create the same client reference, which no real backlog looks like.
    """
    events = [_completed(family) for _ in range(SESSIONS_PER_FAMILY) for family in families]
    publisher = Publisher(system.infra.amqp_url, Topology(system.infra.namespace), name="bench-backlog")
    try:
        for start in range(0, len(events), 500):
            chunk = [Message(e.to_json(), e.type, e.id, e.correlation_id, e.producer) for e in events[start:start + 500]]
            if publisher.publish_batch(chunk).failed:
                raise RuntimeError("the broker did not confirm the backlog")
    finally:
        publisher.close()
    deadline = time.monotonic() + 60
    while _queued(system) < len(events):
        if time.monotonic() > deadline:
            raise RuntimeError("the backlog did not reach billing's queue")
        time.sleep(0.2)
    return [e.id for e in events]


def drain(system: System, consumers: int, event_ids: list[str]) -> float:
    """Start `consumers` processes; events/s from the first to the last inbox commit of the backlog."""
    system.start_processes(component("billing"), "consumer", consumers)
    sql = "SELECT count(*), min(processed_at), max(processed_at) FROM inbox WHERE message_id = ANY(%s)"
    deadline = time.monotonic() + 900
    with psycopg.connect(system.database_urls["billing"], autocommit=True) as conn:
        while (row := conn.execute(sql, (event_ids,)).fetchone())[0] < len(event_ids):
            if time.monotonic() > deadline:
                raise RuntimeError(f"billing handled {row[0]} of {len(event_ids)} events")
            time.sleep(0.25)
    return len(event_ids) / max((row[2] - row[1]).total_seconds(), 1e-3)


def _family(base: str, token: str, client_id: str) -> str:
    """Invoice the family's sessions, then pay it in five card payments (a careful client: idempotency keys)."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    resp = http.post(f"{base}/invoices", json={"client_id": client_id}, timeout=30,
                     headers={"Idempotency-Key": f"inv-{client_id}"})
    if resp.status_code != 201:
        raise RuntimeError(f"invoice: {resp.status_code} {resp.text[:200]}")
    invoice = resp.json()["id"]
    for n in range(SESSIONS_PER_FAMILY):
        paid = http.post(f"{base}/invoices/{invoice}/payments", json={"amount": "80.00", "method": "card"},
                         timeout=30, headers={"Idempotency-Key": f"pay{n}-{client_id}"})
        if paid.status_code != 201:
            raise RuntimeError(f"payment: {paid.status_code} {paid.text[:200]}")
    return invoice


def pay(system: System, families: list[str], workers: int) -> tuple[float, float, list[str]]:
    """Billing's API with `workers` gunicorn workers; 16 families at once through the gateway."""
    system.stack.supervisor.replace({"billing-web"}, {"WEB_CONCURRENCY": str(workers)})
    wait_http(f"{system.service_url('billing')}/readyz")
    token = system.token("biller@sunnysteps.example")
    started, cpu = time.monotonic(), CpuMeter()
    with ThreadPoolExecutor(16) as pool:
        invoices = list(pool.map(lambda f: _family(f"{system.url}/api/v1", token, f), families))
    return len(families) * SESSIONS_PER_FAMILY / (time.monotonic() - started), cpu.busy(), invoices


def violations(system: System, invoices: list[str]) -> list[str]:
    """Invoice numbers without gap or duplicate (the whole database), each invoice paid exactly, once per payment."""
    with psycopg.connect(system.database_urls["billing"], autocommit=True) as conn:
        numbers = [r[0] for r in conn.execute("SELECT number FROM invoices")]
        found = [f"duplicate invoice number {n}" for n in {n for n in numbers if numbers.count(n) > 1}]
        for year in {n.split("-")[1] for n in numbers}:
            sequence = sorted(int(n.split("-")[2]) for n in numbers if n.split("-")[1] == year)
            if sequence != list(range(1, len(sequence) + 1)):
                found.append(f"gap in the invoice numbers of {year}")
        rows = conn.execute(
            "SELECT i.id, i.status, i.total_minor, i.paid_minor, count(p.id), coalesce(sum(p.amount_minor), 0) "
            "FROM invoices i LEFT JOIN payments p ON p.invoice_id = i.id WHERE i.id = ANY(%s) GROUP BY i.id",
            (invoices,)).fetchall()
    found += [f"invoice {r[0]}: {r[4]} payments, {r[5]} paid of {r[2]} ({r[1]})" for r in rows
              if (r[1], r[4], r[5], r[3]) != ("paid", SESSIONS_PER_FAMILY, r[2], r[2])]
    return found + [f"{len(invoices) - len(rows)} invoices missing"] * (len(rows) != len(invoices))


def measure(results: Results, system: System, *, runs: int, events: int, web_concurrency: int) -> None:
    """1 vs 3 consumers on the same backlog size, 1 vs 3 API workers on the same payments, `runs` times each."""
    found: list[str] = []
    try:
        for _ in range(runs):
            for scale in (1, 3):
                system.stop_processes("billing-consumer")
                families = [str(uuid.uuid4()) for _ in range(events // SESSIONS_PER_FAMILY)]
                rate = drain(system, scale, backlog(system, families))
                results.add(SECTION, f"billing.consumers{scale}", f"{events:,} task.completed, {scale} consumer(s)",
                            "events/s", rate)
                rate, busy, invoices = pay(system, families, scale)
                results.add(SECTION, f"billing.api{scale}", f"{events:,} payments, {scale} API worker(s)",
                            "payments/s", rate)
                results.add(SECTION, f"billing.api{scale}.cpu", f"machine CPU busy, {scale} API worker(s)", "%", busy)
                found += violations(system, invoices)
    finally:
        system.stop_processes("billing-consumer")
        system.start_processes(component("billing"), "consumer", 1)
        system.stack.supervisor.replace({"billing-web"}, {"WEB_CONCURRENCY": str(web_concurrency)})
        wait_http(f"{system.service_url('billing')}/readyz")
    results.ratio(SECTION, "billing.consumers.ratio", "3 ÷ 1 consumers", "billing.consumers3", "billing.consumers1")
    results.ratio(SECTION, "billing.api.ratio", "3 ÷ 1 API workers", "billing.api3", "billing.api1")
    results.add(SECTION, "billing.violations", "invoice number gaps/duplicates, wrong or double payments",
                "count", len(found))
    results.notes += [f"billing: {v}" for v in found[:10]]
    results.notes.append("billing-web and billing-consumer were restarted by item 7: their memory 'after the run' "
                         "is that of fresh processes")
