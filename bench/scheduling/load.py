"""Booking through a running gateway + booking: N concurrent clients, each booking distinct free slots."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

from devstack.processes import Process, Supervisor
from devstack.stack import StackConfig, build_env, ensure_keys
from devstack.topology import ALL, COMPONENTS, GATEWAY, ROOT, command, migrate_command
from servicekit.testing.infra import free_port

BOOKING = next(c for c in COMPONENTS if c.name == "booking")



class GatewayAndBooking:
    """The booking web app and the gateway as real gunicorn processes (the same commands the images run)."""

    def __init__(self, var_dir: Path, booking_url: str, gateway_url: str, workers: int, threads: int) -> None:
        self.config = StackConfig(var_dir=var_dir, ports={c.name: free_port() for c in ALL},
                                  smtp_port=free_port(), log_dir=var_dir / "logs", web_concurrency=workers)
        self.config.extra_env = {"BOOKING_DATABASE_URL": booking_url, "GATEWAY_DATABASE_URL": gateway_url,
                                 "WEB_THREADS": str(threads), "LOG_LEVEL": "WARNING"}
        self.env = build_env(self.config)
        self.supervisor = Supervisor()

    @property
    def url(self) -> str:
        return self.config.gateway_url

    def start(self, timeout: float = 60.0) -> None:
        ensure_keys(self.config.key_dir)
        for component in (BOOKING, GATEWAY):
            metrics = self.config.var_dir / "metrics" / component.name
            shutil.rmtree(metrics, ignore_errors=True)
            metrics.mkdir(parents=True)
            done = subprocess.run(migrate_command(component), env=self.env, cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"migrating {component.name} failed:\n{done.stderr[-2000:]}")
            env = {**self.env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
            self.supervisor.start(Process(f"{component.name}-web", command(component, "web"), env,
                                          self.config.log_dir / f"{component.name}-web.log"))
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = {f"http://127.0.0.1:{self.config.ports[c.name]}/readyz" for c in (BOOKING, GATEWAY)}
        while pending and time.monotonic() < deadline:
            if self.supervisor.dead():
                raise RuntimeError("a process exited:\n" + "\n".join(p.tail(20) for p in self.supervisor.processes))
            for url in list(pending):
                try:
                    if requests.get(url, timeout=1).status_code == 200:
                        pending.discard(url)
                except requests.RequestException:
                    pass
            time.sleep(0.2)
        if pending:
            raise RuntimeError(f"not ready after {timeout:.0f}s: {sorted(pending)}")

    def stop(self) -> None:
        self.supervisor.stop()


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds, every request
    statuses: Counter = field(default_factory=Counter)
    elapsed: float = 0.0


class SlotQueue:
    """Distinct free slots handed out to concurrent clients, so bookings succeed instead of colliding."""

    def __init__(self, slots: list[dict]) -> None:
        self._slots, self._lock = iter(slots), threading.Lock()

    def take(self) -> dict | None:
        with self._lock:
            return next(self._slots, None)


def _body(slot: dict) -> dict:
    tag = uuid.uuid4().hex[:8]
    return {"service_code": slot["service_code"], "start": slot["start"], "therapist_id": slot["therapist_id"],
            "client": {"first_name": "Bench", "last_name": tag},
            "guardian": {"first_name": "Load", "last_name": tag, "email": f"load-{tag}@bench.example"}}


def _client(base_url: str, slots: SlotQueue, result: Result, lock: threading.Lock, stop_at: list[float],
            pace: float | None) -> None:
    """Book distinct slots until the time is up; with a `pace`, one booking every `pace` seconds."""
    session = requests.Session()
    while time.monotonic() < stop_at[0]:
        slot = slots.take()
        if slot is None:
            return
        began = time.perf_counter()
        status = session.post(f"{base_url}/api/v1/appointments", json=_body(slot), timeout=30).status_code
        took = time.perf_counter() - began
        with lock:
            result.latencies.append(took)
            result.statuses[status] += 1
        if pace:
            time.sleep(max(0.0, pace - took))


def run_clients(base_url: str, slots: SlotQueue, clients: int, seconds: float, pace: float | None) -> Result:
    """`clients` threads book until `seconds` pass; `pace`: seconds between a client's requests (None: no pause)."""
    result, lock, stop_at = Result(), threading.Lock(), [time.monotonic() + seconds]

    def client(n: int) -> None:
        if pace:
            time.sleep(pace * n / clients)  # spread the paced clients over the period instead of in bursts
        _client(base_url, slots, result, lock, stop_at, pace)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.monotonic() - began
    return result


def spread(slots: list[dict], margin: dt.timedelta) -> list[dict]:
    """Keep slots that do not overlap (with a margin for buffers) another kept slot of the same therapist."""
    kept: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    chosen = []
    for slot in sorted(slots, key=lambda s: (s["therapist_id"], s["start_dt"])):
        spans = kept.setdefault(slot["therapist_id"], [])
        if spans and slot["start_dt"] < spans[-1][1] + margin:
            continue
        spans.append((slot["start_dt"], slot["end_dt"]))
        chosen.append(slot)
    return chosen
