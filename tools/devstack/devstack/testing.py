"""pytest fixture `system`: the whole system as real processes (as `make run` starts it), on this run's
PostgreSQL databases and RabbitMQ namespace. Shared by the cross-service tests (tests/e2e) and web's browser
tests (web/tests/browser), so one test run starts it once; `own_system`, a second one for a module whose
writes would disturb them (the fuzzing)."""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from devstack import seed
from devstack.stack import Stack, StackConfig
from devstack.topology import ALL
from servicekit.testing import infra
from servicekit.testing.infra import free_port
from servicekit.testing.pytest_plugin import ALL_SERVICES

_own_systems = itertools.count(1)


@dataclass
class RunningSystem:
    url: str
    mail_dir: Path
    logins: dict[str, seed.Login]
    stack: Stack

    def login(self, role: str) -> seed.Login:
        """The first demo login holding `role`."""
        return next(login for login in self.logins.values() if login.role == role)


@contextmanager
def running_system(var_dir: Path, database_factory, amqp_url: str, amqp_namespace: str,
                   label: str = "e2e") -> Iterator[RunningSystem]:
    """The system started on databases `<label>_<component>` and the broker namespace given, seeded, then stopped."""
    config = StackConfig(var_dir=var_dir, ports={c.name: free_port() for c in ALL},
                         smtp_port=free_port(), log_dir=var_dir / "logs", web_concurrency=1)
    config.extra_env = {f"{c.name.upper()}_DATABASE_URL": database_factory(f"{label}_{c.name}") for c in ALL}
    # PUBLIC_WRITE_LIMIT=0: every test's online booking comes from this machine (the limit has its own tests).
    # TWO_FACTOR_REQUIRED_ROLES empty: tests sign in as owners and billers by password (2FA has its own tests).
    config.extra_env.update(AMQP_URL=amqp_url, AMQP_NAMESPACE=amqp_namespace, WEB_THREADS="16",
                            PUBLIC_WRITE_LIMIT="0", TWO_FACTOR_REQUIRED_ROLES="", LOG_LEVEL="INFO")
    stack = Stack(config)
    stack.prepare()
    stack.start()
    try:
        stack.wait_healthy(timeout=120)
        logins = seed.seed(config.gateway_url, stack.env["ADMIN_EMAIL"], stack.env["ADMIN_PASSWORD"])
        yield RunningSystem(config.gateway_url, config.mail_dir, {l.email: l for l in logins}, stack)
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def system(tmp_path_factory, database_factory, amqp_url, amqp_namespace) -> Iterator[RunningSystem]:
    with running_system(tmp_path_factory.mktemp("system"), database_factory, amqp_url, amqp_namespace) as running:
        yield running


@pytest.fixture(scope="module")
def own_system(tmp_path_factory, database_factory, amqp_url, amqp_namespace) -> Iterator[RunningSystem]:
    """A second system for one test module whose writes would disturb the tests sharing `system` (fuzzing)."""
    label = f"own{next(_own_systems)}"
    namespace = f"{amqp_namespace}-{label}"
    try:
        with running_system(tmp_path_factory.mktemp(label), database_factory, amqp_url, namespace,
                            label=label) as running:
            yield running
    finally:
        infra.delete_namespace(amqp_url, namespace, ALL_SERVICES)
