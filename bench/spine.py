"""Item 4 (event hop latency, idle and under booking load) and item 6 (full spine workflows)."""
from __future__ import annotations

import statistics
import threading
import time
import uuid

from tests.faults.checker import percentiles
from tests.faults.driver import Client, Driver, Outcome, SlotPool, Stuck

from bench import booking
from bench.environment import CpuMeter, System
from bench.figures import Results

HOPS = {"booked→crm": ("booking", "crm", "appointment.booked"),
        "signed→tasks": ("sales", "tasks", "quotation.signed"),
        "completed→billing": ("tasks", "billing", "task.completed"),
        "paid→notifications": ("billing", "notifications", "invoice.paid")}


class PromptClient(Client):
    """The fault suite's careful client, polling for an event's effect every `pause` seconds, not 150 ms."""

    pause = 0.05

    def _pause(self, step: str) -> None:
        if time.monotonic() > self.deadline:
            raise Stuck(step)
        time.sleep(self.pause)


class PromptDriver(Driver):
    """The fault suite's workflow driver with a prompt client: a workflow's wall time is the system's time."""

    def __init__(self, *args, pause: float = 0.05, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.client_class = type("Client", (PromptClient,), {"pause": pause})

    def workflow(self, timeout: float) -> Outcome:
        outcome = Outcome(next(self._numbers))
        client = self.client_class(self.base_url, outcome, time.monotonic() + timeout)
        try:
            self._steps(client, outcome, uuid.uuid4().hex[:12])
            outcome.finished = time.monotonic()
        except (Stuck, AssertionError) as exc:
            outcome.error = f"{exc.__class__.__name__}: {exc}"
        return outcome


def driver(system: System, pool: booking.SlotPool, count: int, pause: float) -> PromptDriver:
    tokens = {"front_desk": system.token("frontdesk@sunnysteps.example"), "admin": system.admin_token()}
    slots = pool.take(count)
    therapists = {}
    for slot in slots:
        therapists.setdefault(slot["service_code"], slot["therapist_id"])
    return PromptDriver(system.url, tokens, SlotPool(slots), therapists, pause=pause)


def _finished(outcomes: list[Outcome]) -> list[Outcome]:
    failed = [o.error for o in outcomes if not o.done]
    if failed:
        raise RuntimeError(f"{len(failed)} workflows did not finish: {failed[:3]}")
    return outcomes


def _record_hops(results: Results, system: System, since: float, state: str) -> None:
    checker = system.checker()
    checker.wait_quiet(600)
    worst = {"p50": 0.0, "p99": 0.0}
    for label, (producer, consumer, event_type) in HOPS.items():
        p50, p99 = percentiles(checker.hop_latencies(producer, consumer, event_type, since))
        results.add("4 hops", f"hops.{state}.{label}.p50", f"{label} {state}: p50", "ms", p50)
        results.add("4 hops", f"hops.{state}.{label}.p99", f"{label} {state}: p99", "ms", p99)
        worst = {"p50": max(worst["p50"], p50), "p99": max(worst["p99"], p99)}
    for name, value in worst.items():
        results.add("4 hops", f"hops.{state}.worst_{name}", f"slowest hop {state}: {name}", "ms", value)


def hop_latency(results: Results, system: System, pool: booking.SlotPool, *, runs: int, workflows: int,
                seconds: float) -> None:
    """Sequential workflows on the idle system, then again under a 16-client booking load."""
    for _ in range(runs):
        system.checker().wait_quiet(600)
        since = time.time()
        _finished(driver(system, pool, workflows, pause=0.02).run(workflows, concurrency=1, timeout=120))
        _record_hops(results, system, since, "idle")
    for _ in range(runs):
        system.checker().wait_quiet(600)
        workflow_driver = driver(system, pool, workflows, pause=0.02)
        since = time.time()
        load = threading.Thread(target=booking.run_load, args=(system, pool, 16, seconds), daemon=True)
        load.start()
        _finished(workflow_driver.run(workflows, concurrency=1, timeout=300))
        load.join()
        _record_hops(results, system, since, "under load")


def workflows(results: Results, system: System, pool: booking.SlotPool, *, runs: int, count: int) -> None:
    """Workflows/s with 8 families at once, and the wall time of one workflow alone (client polls every 5 ms)."""
    for _ in range(runs):
        system.checker().wait_quiet(600)
        concurrent = driver(system, pool, count, pause=0.05)
        started, cpu = time.monotonic(), CpuMeter()
        _finished(concurrent.run(count, concurrency=8, timeout=600))
        results.add("6 workflows", "wf.per_s", f"{count} workflows, 8 families at once", "workflows/s",
                    count / (time.monotonic() - started))
        results.add("6 workflows", "wf.cpu", "8 families at once: machine CPU busy", "%", cpu.busy())
        system.checker().wait_quiet(600)
        alone = _finished(driver(system, pool, 3, pause=0.005).run(3, concurrency=1, timeout=120))
        results.add("6 workflows", "wf.single_ms", "one workflow alone, wall time (median of 3)", "ms",
                    statistics.median((o.finished - o.started) * 1000 for o in alone))
