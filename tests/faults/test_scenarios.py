"""Nothing lost, nothing doubled: the workflow under broker restarts, crashes, duplicates, poison, outages.

Run with `make test-faults`; each scenario prints `name: workflows=N lost=0 duplicated=0 stuck=0 ...`.
"""
from __future__ import annotations

import json
import threading
import time
import uuid

import pika
import requests

from servicekit.messaging.envelope import Envelope
from servicekit.messaging.topology import Topology

from .checker import percentiles
from .conftest import report

DRAIN = 180.0  # seconds allowed for the backlog to drain after a fault ends


def test_0_idle_hop_latency(faults_system):
    """Sequential workflows on an idle system; event hops measured from outbox write to consumer commit."""
    since = started = time.time()
    outcomes = faults_system.driver().run(20, concurrency=1, timeout=120)
    faults_system.checker.wait_quiet(DRAIN)
    hops = {"booked->crm": ("booking", "crm", "appointment.booked"),
            "signed->tasks": ("sales", "tasks", "quotation.signed"),
            "completed->billing": ("tasks", "billing", "task.completed"),
            "paid->notifications": ("billing", "notifications", "invoice.paid")}
    figures = {}
    for label, (producer, consumer, event_type) in hops.items():
        p50, p99 = percentiles(faults_system.checker.hop_latencies(producer, consumer, event_type, started))
        figures[f"{label}_p50_ms"], figures[f"{label}_p99_ms"] = p50, p99
    report("idle_hop_latency", faults_system.checker.figures(outcomes, since), **figures)


def test_1_broker_restarted_three_times_under_300_workflows(faults_system):
    since = time.time()  # this scenario judges only what it causes
    run = faults_system.driver().start(300, concurrency=16, timeout=900)
    node = faults_system.node
    # Restarts at a quarter, half and three quarters of the run (by workflows ended, not by the clock), so
    # the figure after the last one measures recovery, not how fast this machine gets through the rest.
    for share, how in ((0.25, "kill"), (0.5, "stop"), (0.75, "kill")):
        run.wait_ended(int(300 * share), timeout=300)
        node.kill() if how == "kill" else node.stop()
        time.sleep(3)
        node.start()
    last_restart = time.monotonic()
    outcomes = run.wait(timeout=900)
    finished_after = max((o.finished or time.monotonic()) for o in outcomes) - last_restart
    faults_system.checker.wait_quiet(DRAIN)
    report("broker_restarts", faults_system.checker.figures(outcomes, since), restarts=3,
           finished_s_after_last_restart=max(finished_after, 0.0))
    assert finished_after <= 120, f"workflows finished {finished_after:.0f}s after the last restart"


def run_while_dying(system, kind: str, point: str, probability: float, workflows: int, concurrency: int):
    """Run workflows while every `kind` process dies at crash point `point` with `probability` (then restarts
    as an orchestrator would); the outcomes and how many deaths it took, once everything settled."""
    processes, variable = system.processes(kind), f"FAULT_{point.upper()}"
    crashes = system.stack.supervisor.restarts
    system.stack.supervisor.replace(processes, {variable: str(probability)})
    try:
        outcomes = system.driver().run(workflows, concurrency=concurrency, timeout=600)
    finally:
        system.stack.supervisor.replace(processes, {variable: "0"})
    system.checker.wait_quiet(DRAIN)
    return outcomes, system.stack.supervisor.restarts - crashes


def test_2_consumer_killed_between_commit_and_ack(faults_system):
    since = time.time()  # this scenario judges only what it causes
    redelivered = faults_system.metric("events_redelivered_total")
    duplicates = faults_system.metric("inbox_duplicates_total")
    outcomes, kills = run_while_dying(faults_system, "consumer", "consumer_after_commit", 0.08, 40, 8)
    redeliveries = faults_system.metric("events_redelivered_total") - redelivered
    absorbed = faults_system.metric("inbox_duplicates_total") - duplicates
    report("consumer_killed_before_ack", faults_system.checker.figures(outcomes, since), kills=kills,
           redelivered=int(redeliveries), absorbed_by_inbox=int(absorbed))
    assert kills > 0 and redeliveries > 0 and absorbed > 0


def test_3_relay_killed_between_publish_and_mark(faults_system):
    since = time.time()  # this scenario judges only what it causes
    duplicates = faults_system.metric("inbox_duplicates_total")
    outcomes, kills = run_while_dying(faults_system, "relay", "relay_after_publish", 0.15, 40, 8)
    absorbed = faults_system.metric("inbox_duplicates_total") - duplicates
    report("relay_killed_before_mark", faults_system.checker.figures(outcomes, since), kills=kills,
           duplicate_publishes_absorbed=int(absorbed))
    assert kills > 0 and absorbed > 0


def test_4_dispatcher_killed_between_acceptance_and_record(faults_system):
    """The SMTP server accepted, the dispatcher dies before recording it: its journal keeps the message single."""
    since = time.time()  # this scenario judges only what it causes
    settled = faults_system.metric("notifications_settled_from_journal_total")
    outcomes, kills = run_while_dying(faults_system, "dispatcher", "dispatcher_before_record", 0.2, 30, 6)
    recovered = faults_system.metric("notifications_settled_from_journal_total") - settled
    report("dispatcher_killed_before_record", faults_system.checker.figures(outcomes, since), kills=kills,
           settled_from_journal=int(recovered))
    assert kills > 0 and recovered > 0


def test_5_poison_messages_among_a_thousand_good_ones(faults_system):
    since = time.time()  # this scenario judges only what it causes
    topology, attempts = Topology(""), int(faults_system.stack.env.get("MAX_DELIVERY_ATTEMPTS", "5"))
    clients = [str(uuid.uuid4()) for _ in range(1000)]
    poison = {"unparseable": b"{this is not json",
              "unknown_version": Envelope.new("task.assigned", {}, producer="test", correlation_id="p",
                                              version=99).to_json().encode(),
              "handler_raises": Envelope.new("task.assigned", {"task_id": "t"}, producer="test",
                                             correlation_id="p").to_json().encode()}
    connection = pika.BlockingConnection(pika.URLParameters(faults_system.node.url))
    channel = connection.channel()
    channel.confirm_delivery()
    for n, client_id in enumerate(clients):
        body = Envelope.new("task.assigned", {"task_id": str(uuid.uuid4()), "client_id": client_id,
                                              "therapist_id": str(uuid.uuid4()), "service_code": "OT",
                                              "quotation_id": None}, producer="test", correlation_id="good")
        channel.basic_publish(topology.exchange, "task.assigned", body.to_json().encode(),
                              pika.BasicProperties(delivery_mode=2, message_id=body.id, type="task.assigned"))
        if n in (100, 500, 900):
            kind, raw = poison.popitem()
            channel.basic_publish(topology.exchange, "task.assigned", raw, pika.BasicProperties(
                delivery_mode=2, message_id=f"poison-{kind}", type="task.assigned"))
    faults_system.checker.wait_quiet(DRAIN)
    applied = faults_system.checker.rows("booking", "SELECT count(*) FROM client_therapists WHERE client_id = ANY(%s)",
                                         (clients,))[0][0]
    dead = []
    while (got := channel.basic_get(topology.dead_letter_queue("booking"), auto_ack=True))[0] is not None:
        dead.append((got[1].message_id, got[1].headers["x-attempts"]))
    left = channel.queue_declare(topology.queue("booking"), passive=True).method.message_count
    connection.close()
    figures = faults_system.checker.figures([], since)
    figures.workflows, figures.lost = 1000, figures.lost + (1000 - applied)
    report("poison_messages", figures, good_applied=applied, dead_lettered=len(dead),
           attempts=",".join(f"{mid.split('-', 1)[1]}:{n}" for mid, n in sorted(dead)), left_in_queue=left)
    assert sorted(dead) == sorted([("poison-handler_raises", attempts), ("poison-unknown_version", 1),
                                   ("poison-unparseable", 1)])
    assert left == 0


def test_6_database_unavailable_for_30_seconds_under_load(faults_system):
    since = time.time()  # this scenario judges only what it causes
    driver = faults_system.driver()  # logs in while the database is still there
    run = driver.start(40, concurrency=8, timeout=600)
    time.sleep(4)
    faults_system.pg_proxy.cut()
    probes = _probe_api(faults_system.url, driver.tokens["front_desk"], seconds=30)
    faults_system.pg_proxy.restore()
    outcomes = run.wait(timeout=600)
    faults_system.checker.wait_quiet(DRAIN)
    failures = [p for p in probes if p["status"] != 503 or not p["problem"]]
    report("database_down_30s", faults_system.checker.figures(outcomes, since), probes=len(probes),
           answered_503=sum(p["status"] == 503 for p in probes),
           slowest_503_s=max((p["seconds"] for p in probes), default=0.0))
    assert probes and not failures, failures[:5]
    assert max(p["seconds"] for p in probes) < 5.0


def _probe_api(url: str, desk: str, seconds: float) -> list[dict]:
    """While the database is away, ask the API every half second; record status, shape and time taken."""
    results, deadline = [], time.monotonic() + seconds
    time.sleep(1)  # pooled connections notice the cut on first use
    while time.monotonic() < deadline:
        for method, path, kwargs in (("GET", "/opportunities", {"headers": {"Authorization": f"Bearer {desk}"}}),
                                     ("GET", "/service-types", {})):
            started = time.monotonic()
            resp = requests.request(method, f"{url}/api/v1{path}", timeout=30, **kwargs)
            results.append({"path": path, "status": resp.status_code, "seconds": time.monotonic() - started,
                            "problem": resp.headers.get("Content-Type", "").startswith("application/problem+json")})
        time.sleep(0.5)
    return results


def test_7_broker_down_for_60_seconds(faults_system):
    since = time.time()  # this scenario judges only what it causes
    booking_db = faults_system.checker
    faults_system.node.stop()
    down_at = time.monotonic()
    run = faults_system.driver().start(40, concurrency=40, timeout=600)  # every family books while it is down
    time.sleep(60 - (time.monotonic() - down_at))
    backlog = booking_db.rows("booking", "SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]
    faults_system.node.start()
    up_at = time.monotonic()
    drained = _until_outboxes_empty(faults_system, timeout=120)
    outcomes = run.wait(timeout=600)
    faults_system.checker.wait_quiet(DRAIN)
    report("broker_down_60s", faults_system.checker.figures(outcomes, since), backlog_while_down=backlog,
           drained_s_after_return=drained - up_at)
    assert backlog > 0 and drained - up_at <= 60


def _until_outboxes_empty(system, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = sum(system.checker.rows(name, "SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]
                      for name in system.ports)
        if pending == 0:
            return time.monotonic()
        time.sleep(0.25)
    raise AssertionError("outbox backlog did not drain")


def test_8_stalled_broker_connections_are_detected_and_replaced(faults_system):
    since = time.time()  # this scenario judges only what it causes
    proxy = faults_system.amqp_proxy
    before = proxy.connections
    stalled = proxy.stall()
    stalled_at = time.monotonic()
    deadline = stalled_at + 60
    while proxy.connections - before < stalled and time.monotonic() < deadline:
        time.sleep(0.2)
    reconnected = time.monotonic() - stalled_at
    outcomes = faults_system.driver().run(10, concurrency=5, timeout=300)
    faults_system.checker.wait_quiet(DRAIN)
    report("stalled_connections", faults_system.checker.figures(outcomes, since), stalled=stalled,
           reconnected=proxy.connections - before, reconnected_within_s=reconnected)
    assert proxy.connections - before >= stalled and reconnected <= 30


def test_9_sigterm_to_every_process_under_load(faults_system):
    since = time.time()  # this scenario judges only what it causes
    run = faults_system.driver().start(40, concurrency=8, timeout=600)
    time.sleep(5)
    everything = {p.name for p in faults_system.stack.supervisor.processes if p.name != "smtp"}
    threading.Thread(target=faults_system.stack.supervisor.replace, args=(everything, {}), daemon=True).start()
    outcomes = run.wait(timeout=600)
    faults_system.checker.wait_quiet(DRAIN)
    report("sigterm_everything", faults_system.checker.figures(outcomes, since), processes_restarted=len(everything))


def test_10_nothing_lost_or_doubled_over_the_whole_run(faults_system):
    """Each scenario judged its own; this judges everything, including a duplicate that surfaced late."""
    faults_system.checker.wait_quiet(DRAIN)
    report("whole_run", faults_system.checker.figures(None))


def test_11_dead_letters_of_the_run_are_only_the_injected_poison(faults_system):
    connection = pika.BlockingConnection(pika.URLParameters(faults_system.node.url))
    channel, topology = connection.channel(), Topology("")
    counts = {name: channel.queue_declare(topology.dead_letter_queue(name), passive=True).method.message_count
              for name in faults_system.ports if faults_system.checker.consumers[name]}
    connection.close()
    print("dead letters per service: " + json.dumps(counts), flush=True)
    assert sum(counts.values()) == 0, counts
