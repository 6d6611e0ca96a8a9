"""A worker probe for tests: served like the real one, and remembering what the worker reported."""
from __future__ import annotations

from servicekit.probes import Probe


class RecordingProbe(Probe):
    """Every readiness change in order, and how many beats."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.changes: list[tuple[bool, str]] = []
        self.beats = 0

    def beat(self) -> None:
        self.beats += 1
        super().beat()

    def ready(self, flag: bool, reason: str = "") -> None:
        self.changes.append((flag, reason))
        super().ready(flag, reason)
