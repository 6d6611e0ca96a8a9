"""The system under faults: every service as real processes, its own RabbitMQ node, PostgreSQL behind a
cuttable proxy, processes restarted when they die (as an orchestrator would)."""
from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from devstack import seed
from servicekit.testing.chaos import ChaosProxy
from devstack.rabbitnode import RabbitNode
from devstack.stack import Stack, StackConfig
from devstack.topology import ALL, COMPONENTS
from servicekit.testing.infra import free_port

from .checker import Checker, Figures
from .driver import Driver, SlotPool

REPORT: list[str] = []
WEEKS_OF_SLOTS = 8


@dataclass
class FaultSystem:
    stack: Stack
    node: RabbitNode
    amqp_proxy: ChaosProxy
    pg_proxy: ChaosProxy
    checker: Checker
    slots: SlotPool
    therapists: dict[str, str]
    url: str
    ports: dict[str, int] = field(default_factory=dict)

    def driver(self) -> Driver:
        """A driver with fresh tokens (scenarios outlast one access token)."""
        tokens = {role: _login(self.url, email) for role, email in
                  (("front_desk", "frontdesk@sunnysteps.example"), ("admin", "admin@sunnysteps.example"))}
        return Driver(self.url, tokens, self.slots, self.therapists)

    def metric(self, name: str) -> float:
        """A counter summed over every service's /metrics (all its processes, dead ones included)."""
        total = 0.0
        pattern = re.compile(rf"^{name}(\{{[^}}]*\}})? ([0-9.e+-]+)$")
        for component in COMPONENTS:
            text = requests.get(f"http://127.0.0.1:{self.ports[component.name]}/metrics", timeout=5).text
            total += sum(float(m.group(2)) for m in map(pattern.match, text.splitlines()) if m)
        return total

    def processes(self, role: str) -> set[str]:
        return {p.name for p in self.stack.supervisor.processes if p.name.endswith(f"-{role}")}


def _login(url: str, email: str) -> str:
    password = "admin-demo-2026" if email.startswith("admin") else seed.DEMO_PASSWORD
    resp = requests.post(f"{url}/api/v1/auth/login", json={"email": email, "password": password}, timeout=10)
    resp.raise_for_status()
    return resp.json()["access_token"]


def _through(proxy: ChaosProxy, url: str) -> str:
    parsed = urlparse(url)
    netloc = parsed.netloc.rsplit("@", 1)
    user = netloc[0] + "@" if len(netloc) == 2 else ""
    return parsed._replace(netloc=f"{user}127.0.0.1:{proxy.port}").geturl()


def _slot_pool(url: str) -> tuple[SlotPool, dict[str, str]]:
    """Every slot of every therapist over the coming weeks, shuffled so load spreads over therapists."""
    first = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    slots, therapists = [], {}
    for code in ("OT", "ST", "PT"):
        found = requests.get(f"{url}/api/v1/slots", timeout=30, params={
            "service_code": code, "from": first.isoformat(),
            "to": (first + dt.timedelta(weeks=WEEKS_OF_SLOTS, days=-1)).isoformat()}).json()
        slots += [{**s, "service_code": code} for s in found]
        therapists[code] = found[0]["therapist_id"]
    random.Random(7).shuffle(slots)
    return SlotPool(slots), therapists


@pytest.fixture(scope="session")
def faults_system(tmp_path_factory, database_factory, postgres_admin_url, run_id):
    base: Path = tmp_path_factory.mktemp("faults")
    node = RabbitNode(base / "rabbit", f"faults{run_id}", free_port(), free_port())
    (base / "rabbit").mkdir()
    node.start()
    amqp_proxy = ChaosProxy("127.0.0.1", node.port)
    admin = urlparse(postgres_admin_url)
    pg_proxy = ChaosProxy(admin.hostname or "127.0.0.1", admin.port or 5432)
    direct = {c.name: database_factory(f"flt_{c.name}") for c in COMPONENTS}
    ports = {c.name: free_port() for c in ALL}
    config = StackConfig(var_dir=base / "var", ports=ports, smtp_port=free_port(), log_dir=base / "logs",
                         web_concurrency=1)
    config.extra_env = {f"{name.upper()}_DATABASE_URL": _through(pg_proxy, url) for name, url in direct.items()}
    config.extra_env.update(
        AMQP_URL=f"amqp://guest:guest@127.0.0.1:{amqp_proxy.port}/%2F", AMQP_NAMESPACE="", AMQP_HEARTBEAT="5",
        WEB_THREADS="16", FAULT_INJECTION="1", ACCESS_TOKEN_TTL="7200", ACCESS_TOKEN_MAX_TTL="7200",
        DB_CONNECT_TIMEOUT="3", PUBLIC_WRITE_LIMIT="0",  # hundreds of families book online from this machine
        TWO_FACTOR_REQUIRED_ROLES="")  # the scenarios sign in as owners and billers by password
    stack = Stack(config)
    try:
        stack.prepare()
        stack.start()
        stack.wait_healthy(timeout=180)
        stack.supervisor.keep_alive()
        seed.seed(config.gateway_url, stack.env["ADMIN_EMAIL"], stack.env["ADMIN_PASSWORD"])
        slots, therapists = _slot_pool(config.gateway_url)
        checker = Checker(direct, config.mail_dir, node.url, "")
        # The components with events (web has none): what the scenarios look at.
        evented = {c.name: ports[c.name] for c in COMPONENTS}
        yield FaultSystem(stack, node, amqp_proxy, pg_proxy, checker, slots, therapists, config.gateway_url, evented)
    finally:
        stack.stop()
        node.stop()
        amqp_proxy.close()
        pg_proxy.close()


def report(name: str, figures: Figures, **extra: object) -> None:
    """One line of figures per scenario, printed at the end of the run; any non-zero fails the scenario."""
    extras = " ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in extra.items())
    line = (f"{name}: workflows={figures.workflows} lost={figures.lost} duplicated={figures.duplicated} "
            f"stuck={figures.stuck} {extras}").strip()
    REPORT.append(line)
    print(line, flush=True)
    assert (figures.lost, figures.duplicated, figures.stuck) == (0, 0, 0), "\n".join(figures.details)


def pytest_terminal_summary(terminalreporter) -> None:
    if REPORT:
        terminalreporter.section("reliability figures")
        for line in REPORT:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)
