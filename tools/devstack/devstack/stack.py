"""The whole system as processes: environment, migrations, start, health waits and stop."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pika
import requests

from servicekit import sealing

from devstack.processes import Process, Supervisor
from devstack.topology import ALL, COMPONENTS, GATEWAY, ROOT, SERVICES, Component, command, migrate_command


GATEWAY_MIN_THREADS = 16
DEFAULT_ADMIN_EMAIL = "admin@sunnysteps.example"
DEFAULT_ADMIN_PASSWORD = "admin-demo-2026"


@dataclass
class StackConfig:
    """Where the stack keeps its state and which ports it uses; tests pick free ports and their own dirs."""

    var_dir: Path = ROOT / "var"
    ports: dict[str, int] = field(default_factory=lambda: {c.name: c.port for c in ALL})
    smtp_port: int = 1025
    log_dir: Path | None = None            # None: output goes to the terminal with a name prefix
    web_concurrency: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"

    @property
    def key_dir(self) -> Path:
        return self.var_dir / "keys"


def ensure_keys(key_dir: Path) -> None:
    """The gateway's signing key pair (private key never leaves the gateway; services get the public one), and
    the pair personal links are sealed with (the producers get the public key, notifications the private one)."""
    if not (key_dir / "private.pem").exists():
        subprocess.run([sys.executable, "-m", "gateway.keys", str(key_dir)], cwd=ROOT, check=True)
    sealing.ensure_keys(key_dir)


def build_env(config: StackConfig) -> dict[str, str]:
    """One environment for every process; explicit variables from the caller's environment win."""
    env = {
        "VAR_DIR": str(config.var_dir),
        "JWT_PRIVATE_KEY_FILE": str(config.key_dir / "private.pem"),
        "JWT_PUBLIC_KEY_FILE": str(config.key_dir / "public.pem"),
        "LINK_SEALING_PUBLIC_KEY_FILE": str(config.key_dir / sealing.PUBLIC_FILE),
        "PUBLIC_BASE_URL": config.gateway_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(config.smtp_port),
        "SMTP_SECURITY": "none",
        "ADMIN_EMAIL": DEFAULT_ADMIN_EMAIL,
        "ADMIN_PASSWORD": DEFAULT_ADMIN_PASSWORD,
        "WEB_CONCURRENCY": str(config.web_concurrency),
        "LOG_FORMAT": "text" if config.log_dir is None else "json",
    }
    env.update({k: v for k, v in os.environ.items()})
    for component in ALL:
        env[component.port_var] = str(config.ports[component.name])
        env[component.url_var] = f"http://127.0.0.1:{config.ports[component.name]}"
    env.update(config.extra_env)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.env = build_env(config)
        self.supervisor = Supervisor()

    # -- preparation ------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Keys, directories, fresh metrics dirs, databases migrated (the gateway also bootstraps the admin)."""
        # var/ holds the databases, the signing key and every e-mail sent: readable by this user only (and so is
        # everything created under it from here on, by this process and the ones it starts).
        os.umask(0o077)
        self.config.var_dir.mkdir(parents=True, exist_ok=True)
        self.config.var_dir.chmod(0o700)
        ensure_keys(self.config.key_dir)
        for component in ALL:
            metrics_dir = self.config.var_dir / "metrics" / component.name
            shutil.rmtree(metrics_dir, ignore_errors=True)
            metrics_dir.mkdir(parents=True)
        for component in ALL:
            result = subprocess.run(migrate_command(component), env=self.env, cwd=ROOT,
                                    capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"migrating {component.name} failed:\n{result.stdout}{result.stderr}")

    # -- processes --------------------------------------------------------------------------------
    def _env_for(self, component: Component) -> dict[str, str]:
        env = dict(self.env)
        # Each service's processes share one metrics dir, so its /metrics shows consumer and relay too.
        env["PROMETHEUS_MULTIPROC_DIR"] = str(self.config.var_dir / "metrics" / component.name)
        if component.name == "notifications":  # the one service that opens sealed links
            env.setdefault("LINK_SEALING_PRIVATE_KEY_FILE", str(self.config.key_dir / sealing.PRIVATE_FILE))
        if component.name == "gateway":
            # A page forwarded to web holds a gateway thread while web calls the gateway's API for it: with
            # few threads, eight pages at once wait on themselves until the upstream timeout (504).
            env["WEB_THREADS"] = str(max(GATEWAY_MIN_THREADS, int(env.get("WEB_THREADS", "4"))))
        return env

    def start_component(self, component: Component) -> None:
        for role in component.roles:
            name = f"{component.name}-{role}"
            log = self.config.log_dir / f"{name}.log" if self.config.log_dir else None
            self.supervisor.start(Process(name, command(component, role), self._env_for(component), log))

    def start(self) -> None:
        self.supervisor.start(Process(
            "smtp", [sys.executable, "-m", "devstack.smtp", "--port", str(self.config.smtp_port),
                     "--dir", str(self.config.mail_dir)], dict(self.env),
            self.config.log_dir / "smtp.log" if self.config.log_dir else None))
        for component in ALL:
            self.start_component(component)

    def wait_healthy(self, timeout: float = 90.0) -> None:
        """Every web process answers /readyz and every consumer is attached to its queue."""
        deadline = time.monotonic() + timeout
        pending = {c.name: f"http://127.0.0.1:{self.config.ports[c.name]}/readyz" for c in ALL}
        while pending and time.monotonic() < deadline:
            self._fail_if_dead()
            for name, url in list(pending.items()):
                try:
                    if requests.get(url, timeout=1).status_code == 200:
                        del pending[name]
                except requests.RequestException:
                    pass
            time.sleep(0.3)
        if pending:
            raise RuntimeError(f"not ready after {timeout:.0f}s: {', '.join(sorted(pending))}\n{self.logs()}")
        self._wait_consumers(deadline)

    def _wait_consumers(self, deadline: float) -> None:
        from servicekit.messaging.topology import Topology

        topology = Topology(self.env.get("AMQP_NAMESPACE", ""))
        url = self.env.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
        connection = pika.BlockingConnection(pika.URLParameters(url))
        try:
            for component in COMPONENTS:
                queue = topology.queue(component.name)
                while True:
                    self._fail_if_dead()
                    channel = connection.channel()
                    try:
                        if channel.queue_declare(queue, passive=True).method.consumer_count > 0:
                            channel.close()
                            break
                        channel.close()
                    except pika.exceptions.ChannelClosedByBroker:
                        pass  # not declared yet
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"no consumer on {queue}\n{self.logs()}")
                    time.sleep(0.3)
        finally:
            connection.close()

    def _fail_if_dead(self) -> None:
        dead = self.supervisor.dead()
        if dead:
            raise RuntimeError(f"process exited: {', '.join(p.name for p in dead)}\n{self.logs()}")

    def logs(self, lines: int = 25) -> str:
        return "\n".join(f"--- {p.name}\n{p.tail(lines)}" for p in self.supervisor.processes if p.tail(1))

    def stop(self) -> None:
        self.supervisor.stop()


__all__ = ["Stack", "StackConfig", "SERVICES", "GATEWAY"]
