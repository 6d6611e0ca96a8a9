"""pytest fixture `system`: the whole system as real processes (as `make run` starts it), on this run's
PostgreSQL databases and RabbitMQ namespace. Shared by the cross-service tests (tests/e2e) and web's browser
tests (web/tests/browser), so one test run starts it once."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from devstack import seed
from devstack.stack import Stack, StackConfig
from devstack.topology import ALL
from servicekit.testing.infra import free_port


@dataclass
class RunningSystem:
    url: str
    mail_dir: Path
    logins: dict[str, seed.Login]
    stack: Stack

    def login(self, role: str) -> seed.Login:
        """The first demo login holding `role`."""
        return next(login for login in self.logins.values() if login.role == role)


@pytest.fixture(scope="session")
def system(tmp_path_factory, database_factory, amqp_url, amqp_namespace) -> RunningSystem:
    var_dir = tmp_path_factory.mktemp("system")
    config = StackConfig(var_dir=var_dir, ports={c.name: free_port() for c in ALL},
                         smtp_port=free_port(), log_dir=var_dir / "logs", web_concurrency=1)
    config.extra_env = {f"{c.name.upper()}_DATABASE_URL": database_factory(f"e2e_{c.name}") for c in ALL}
    # PUBLIC_WRITE_LIMIT=0: every test's online booking comes from this machine (the limit has its own tests).
    config.extra_env.update(AMQP_URL=amqp_url, AMQP_NAMESPACE=amqp_namespace, WEB_THREADS="16",
                            PUBLIC_WRITE_LIMIT="0", LOG_LEVEL="INFO")
    stack = Stack(config)
    stack.prepare()
    stack.start()
    try:
        stack.wait_healthy(timeout=120)
        logins = seed.seed(config.gateway_url, stack.env["ADMIN_EMAIL"], stack.env["ADMIN_PASSWORD"])
        yield RunningSystem(config.gateway_url, config.mail_dir, {l.email: l for l in logins}, stack)
    finally:
        stack.stop()
