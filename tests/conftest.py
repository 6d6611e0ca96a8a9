"""The running system for cross-service tests: every service as real processes on PostgreSQL + RabbitMQ."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from devstack import seed
from devstack.stack import Stack, StackConfig
from devstack.topology import COMPONENTS
from servicekit.testing.infra import free_port



@dataclass
class RunningSystem:
    url: str
    mail_dir: Path
    logins: dict[str, seed.Login]
    stack: Stack


@pytest.fixture(scope="session")
def system(tmp_path_factory, database_factory, amqp_url, amqp_namespace) -> RunningSystem:
    var_dir = tmp_path_factory.mktemp("system")
    config = StackConfig(var_dir=var_dir, ports={c.name: free_port() for c in COMPONENTS},
                         smtp_port=free_port(), log_dir=var_dir / "logs", web_concurrency=1)
    config.extra_env = {f"{c.name.upper()}_DATABASE_URL": database_factory(f"e2e_{c.name}") for c in COMPONENTS}
    config.extra_env.update(AMQP_URL=amqp_url, AMQP_NAMESPACE=amqp_namespace, WEB_THREADS="16",
                            LOG_LEVEL="INFO")
    stack = Stack(config)
    stack.prepare()
    stack.start()
    try:
        stack.wait_healthy(timeout=120)
        logins = seed.seed(config.gateway_url, stack.env["ADMIN_EMAIL"], stack.env["ADMIN_PASSWORD"])
        yield RunningSystem(config.gateway_url, config.mail_dir, {l.email: l for l in logins}, stack)
    finally:
        stack.stop()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
