"""What a service tells the shared runners about itself: name, settings, handlers, app factory, migrations."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from flask import Flask
from sqlalchemy.orm import Session

from servicekit.config import Settings
from servicekit.messaging.handlers import HandlerRegistry


@dataclass(frozen=True)
class PeriodicJob:
    """Housekeeping the relay process runs every `every` seconds in a transaction of its own.

    `run(session, settings)` must be safe to run concurrently in several relay replicas (lock what it
    changes with `FOR UPDATE SKIP LOCKED`) and may stage events with add_event; the relay publishes them.
    """

    name: str
    every: float
    run: Callable[[Session, Settings], None]


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    package: str
    settings_class: type[Settings]
    create_app: Callable[..., Flask]
    handlers: HandlerRegistry = field(default_factory=HandlerRegistry)
    periodic: tuple[PeriodicJob, ...] = ()

    @property
    def package_dir(self) -> Path:
        return Path(importlib.import_module(self.package).__file__).parent  # type: ignore[arg-type]

    def settings(self, **overrides: object) -> Settings:
        return self.settings_class.from_env(self.name, **overrides)
