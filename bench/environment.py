"""What a benchmark run stands on: fresh PostgreSQL databases and its own AMQP namespace (both removed at
the end, leaving the machine's servers as they were), the bare baseline server, and the whole system."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from devstack import seed
from devstack.processes import Process
from devstack.stack import Stack, StackConfig
from devstack.topology import ALL, COMPONENTS, ROOT, Component, command
from servicekit.testing import infra
from servicekit.testing.pytest_plugin import ALL_SERVICES


@dataclass
class Settings:
    """How a run is shaped (see `python -m bench --help`)."""

    quick: bool = False
    runs: int = 3
    seconds: float = 8.0
    web_concurrency: int = 2
    web_threads: int = 4
    log_level: str = "INFO"
    work_dir: Path = ROOT / "var" / "bench"


class CpuMeter:
    """How busy the whole machine's CPUs were since it was created (from /proc/stat), in percent."""

    def __init__(self) -> None:
        self._start = self._times()

    @staticmethod
    def _times() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields) - idle, sum(fields)

    def busy(self) -> float:
        busy, total = (now - then for now, then in zip(self._times(), self._start))
        return 100.0 * busy / total if total else 0.0



class Infra:
    """Databases `b_<run>_<label>` and the AMQP namespace `bench-<run>`, created for this run only."""

    def __init__(self) -> None:
        self.admin_url, self.amqp_url = infra.postgres_admin_url(), infra.amqp_url()
        self.run_id = infra.run_id()
        self.namespace = f"bench-{self.run_id}"
        self._databases: list[str] = []

    def database(self, label: str) -> str:
        name = f"b_{self.run_id}_{label}"
        self._databases.append(name)
        return infra.create_database(self.admin_url, name)

    def close(self) -> None:
        for name in self._databases:
            infra.drop_database(self.admin_url, name)
        infra.delete_namespace(self.amqp_url, self.namespace, ALL_SERVICES)
        infra.stop_containers()


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


class BaselineServer:
    """bench.baseline.app under gunicorn with the services' settings, on a database of its own."""

    def __init__(self, settings: Settings, database_url: str) -> None:
        self.port = infra.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "BENCH_DATABASE_URL": database_url, "BIND": f"127.0.0.1:{self.port}",
               "WEB_CONCURRENCY": str(settings.web_concurrency), "WEB_THREADS": str(settings.web_threads)}
        self._create_table(database_url)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "bench" / "baseline" / "gunicorn.conf.py")],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_http(f"{self.url}/json")

    @staticmethod
    def _create_table(database_url: str) -> None:
        from bench.baseline.app import engine_for, metadata

        engine = engine_for(database_url)
        metadata.create_all(engine)
        engine.dispose()

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(30)


class System:
    """Every service, the gateway, web and the SMTP catcher as real processes (devstack), on this run's infra."""

    def __init__(self, settings: Settings, run: Infra) -> None:
        self.infra = run
        var_dir = settings.work_dir / f"system-{run.run_id}"
        config = StackConfig(var_dir=var_dir, ports={c.name: infra.free_port() for c in ALL},
                             smtp_port=infra.free_port(), log_dir=var_dir / "logs",
                             web_concurrency=settings.web_concurrency)
        self.database_urls = {c.name: run.database(c.name) for c in ALL}  # web's sessions too
        config.extra_env = {f"{name.upper()}_DATABASE_URL": url for name, url in self.database_urls.items()}
        config.extra_env.update(AMQP_URL=run.amqp_url, AMQP_NAMESPACE=run.namespace, ACCESS_TOKEN_TTL="7200",
                                ACCESS_TOKEN_MAX_TTL="7200",
                                WEB_THREADS=str(settings.web_threads), LOG_LEVEL=settings.log_level,
                                PUBLIC_WRITE_LIMIT="0",  # the load comes from one address
                                TWO_FACTOR_REQUIRED_ROLES="")  # the seeder and the load sign in by password
        self.config = config
        self.stack = Stack(config)
        self.url = config.gateway_url

    def start(self) -> None:
        self.stack.prepare()
        self.stack.start()
        self.stack.wait_healthy(timeout=180)
        seed.seed(self.url, self.stack.env["ADMIN_EMAIL"], self.stack.env["ADMIN_PASSWORD"])

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.config.ports[name]}"

    def token(self, email: str, password: str = seed.DEMO_PASSWORD) -> str:
        resp = requests.post(f"{self.url}/api/v1/auth/login", json={"email": email, "password": password},
                             timeout=10)
        resp.raise_for_status()
        return resp.json()["access_token"]

    def admin_token(self) -> str:
        return self.token(self.stack.env["ADMIN_EMAIL"], self.stack.env["ADMIN_PASSWORD"])

    def checker(self):
        from tests.faults.checker import Checker

        return Checker(self.database_urls, self.config.mail_dir, self.infra.amqp_url, self.infra.namespace)

    # -- changing the process set (billing scale-out) ---------------------------------------------
    def processes(self, name: str) -> list[Process]:
        return [p for p in self.stack.supervisor.processes if p.name == name or p.name.startswith(f"{name}#")]

    def stop_processes(self, name: str) -> None:
        for process in self.processes(name):
            process.signal(signal.SIGTERM)
            process.popen.wait(30)
            self.stack.supervisor.processes.remove(process)

    def start_processes(self, component: Component, role: str, count: int, env: dict[str, str] | None = None) -> None:
        """`count` processes of one role (named billing-consumer, billing-consumer#2, ...)."""
        base = self.stack._env_for(component)  # noqa: SLF001 - the stack's own per-component environment
        for n in range(1, count + 1):
            name = f"{component.name}-{role}" + (f"#{n}" if n > 1 else "")
            log = self.config.log_dir / f"{name}.log"
            self.stack.supervisor.start(Process(name, command(component, role), {**base, **(env or {})}, log))

    def stop(self) -> None:
        self.stack.stop()


def component(name: str) -> Component:
    return next(c for c in COMPONENTS if c.name == name)
