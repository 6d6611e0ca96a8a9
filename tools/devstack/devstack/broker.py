"""Make sure RabbitMQ answers at AMQP_URL: start a locally installed node if needed, or say how to get one."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from urllib.parse import urlparse

INSTALL_HINT = """RabbitMQ is not reachable at {url}.
Get one of:
  - Debian/Ubuntu:  sudo apt-get install rabbitmq-server && sudo rabbitmq-server -detached
  - macOS:          brew install rabbitmq && brew services start rabbitmq
  - Docker:         docker run -d --name rabbitmq -p 5672:5672 -p 15672:15672 rabbitmq:3.13-management
or point AMQP_URL at an existing broker (amqp://user:password@host:5672/vhost)."""


def reachable(url: str, timeout: float = 1.0) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5672), timeout=timeout):
            return True
    except OSError:
        return False


def ensure_running(url: str, wait_seconds: float = 90.0) -> None:
    """Return once the broker accepts connections; start `rabbitmq-server -detached` when installed locally."""
    if reachable(url):
        return
    host = urlparse(url).hostname or "127.0.0.1"
    server = shutil.which("rabbitmq-server") or ("/usr/sbin/rabbitmq-server"
                                                 if shutil.which("/usr/sbin/rabbitmq-server") else None)
    if host not in ("127.0.0.1", "localhost") or server is None:
        raise SystemExit(INSTALL_HINT.format(url=url))
    print(f"RabbitMQ is not running; starting it with `{server} -detached` ...", flush=True)
    subprocess.run([server, "-detached"], check=False)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if reachable(url):
            print("RabbitMQ is up.", flush=True)
            return
        time.sleep(1)
    raise SystemExit("RabbitMQ was started but did not accept connections within "
                     f"{wait_seconds:.0f}s.\n" + INSTALL_HINT.format(url=url))
