"""A private RabbitMQ node (own name, ports and data directory) that the fault suite may stop and kill."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pika

# The Debian wrapper in /usr/sbin switches to the rabbitmq user and drops our environment; the real script
# runs as whoever starts it, with the node's directories under our control.
SERVER_SCRIPTS = ("/usr/lib/rabbitmq/bin/rabbitmq-server",)


def server_script() -> str | None:
    for path in SERVER_SCRIPTS:
        if os.path.exists(path):
            return path
    found = shutil.which("rabbitmq-server")
    return found if found and not found.startswith("/usr/sbin") else None


class RabbitNode:
    def __init__(self, base_dir: Path, name: str, port: int, dist_port: int) -> None:
        self.base_dir, self.name, self.port, self.dist_port = base_dir, name, port, dist_port
        self.url = f"amqp://guest:guest@127.0.0.1:{port}/%2F"
        self.process: subprocess.Popen | None = None

    def _env(self) -> dict[str, str]:
        home = self.base_dir / "home"
        home.mkdir(parents=True, exist_ok=True)
        plugins = self.base_dir / "enabled_plugins"
        plugins.write_text("[].\n")
        return {
            **os.environ, "HOME": str(home), "RABBITMQ_NODENAME": f"{self.name}@localhost",
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1", "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port), "RABBITMQ_MNESIA_BASE": str(self.base_dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base_dir / "log"), "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
            "RABBITMQ_PID_FILE": str(self.base_dir / "node.pid"),
            "RABBITMQ_CONFIG_FILE": str(self.base_dir / "no-config"),
        }

    def start(self, timeout: float = 90.0) -> None:
        """Start the node (keeping its data from any earlier run) and wait until it takes AMQP connections."""
        script = server_script()
        if script is None:
            raise RuntimeError("rabbitmq-server is not installed; the fault suite needs its own RabbitMQ node")
        log = open(self.base_dir / "server.out", "ab")  # noqa: SIM115 - owned by the node process
        self.process = subprocess.Popen([script], env=self._env(), stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"RabbitMQ node {self.name} exited; see {self.base_dir / 'server.out'}")
            try:
                pika.BlockingConnection(pika.URLParameters(self.url + "?connection_attempts=1")).close()
                return
            except pika.exceptions.AMQPError:
                time.sleep(0.5)
        raise RuntimeError(f"RabbitMQ node {self.name} did not accept connections within {timeout:.0f}s")

    def stop(self, timeout: float = 60.0) -> None:
        """A clean shutdown (SIGTERM), as an operator's restart would do."""
        self._signal(signal.SIGTERM)
        self._wait(timeout)

    def kill(self) -> None:
        """A crash: SIGKILL to the Erlang VM (epmd, shared with other nodes, is left alone)."""
        self._signal(signal.SIGKILL)
        self._wait(30)

    def _signal(self, sig: int) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        pgid = os.getpgid(self.process.pid)
        for pid in _pids_in_group(pgid):
            if _command(pid) != "epmd":
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass

    def _wait(self, timeout: float) -> None:
        if self.process is not None:
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(10)
        # Wait for the VM itself (the script may have exited first) to release the port.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _port_open(self.port):
            time.sleep(0.2)


def _pids_in_group(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return pids


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0
