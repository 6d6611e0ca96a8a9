"""What the system is made of: the services, their ports and the three processes each runs."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Component:
    name: str          # service name, also its Python package
    port: int          # default HTTP port
    directory: Path    # folder holding gunicorn.conf.py
    roles: tuple[str, ...] = ("web", "consumer", "relay")  # the processes it runs

    @property
    def url_var(self) -> str:
        return f"{self.name.upper()}_URL"

    @property
    def port_var(self) -> str:
        return f"{self.name.upper()}_PORT"


SERVICES = [
    Component("booking", 8101, ROOT / "services" / "booking"),
    Component("crm", 8102, ROOT / "services" / "crm"),
    Component("sales", 8103, ROOT / "services" / "sales"),
    Component("tasks", 8104, ROOT / "services" / "tasks"),
    Component("billing", 8105, ROOT / "services" / "billing"),
    Component("notifications", 8106, ROOT / "services" / "notifications",
              ("web", "consumer", "relay", "dispatcher")),
]
GATEWAY = Component("gateway", 8080, ROOT / "gateway")
# The services and the gateway: each has an outbox, an inbox and a queue.
COMPONENTS = SERVICES + [GATEWAY]
# The pages (talks only to the gateway; no events). Reached through the gateway: one origin.
WEB = Component("web", 8090, ROOT / "web", ("web",))
ALL = COMPONENTS + [WEB]


def command(component: Component, role: str) -> list[str]:
    """The exact command a process runs (the same commands the container images run)."""
    if role == "web":
        return [sys.executable, "-m", "gunicorn", "-c", str(component.directory / "gunicorn.conf.py")]
    return [sys.executable, "-m", f"{component.name}.entrypoints.{role}"]


def migrate_command(component: Component) -> list[str]:
    return [sys.executable, "-m", f"{component.name}.entrypoints.migrate"]
