"""Test-only fault injection for the reliability suite. Inert unless FAULT_INJECTION=1 is set.

A fault point is a named place in the messaging code (e.g. "consumer_after_commit"); the suite sets
`FAULT_<POINT>=<probability>` and the process dies there with SIGKILL-like abruptness (os._exit), which is
exactly the crash the outbox/inbox design must survive.
"""
from __future__ import annotations

import logging
import os
import random

log = logging.getLogger(__name__)

ENABLED = os.environ.get("FAULT_INJECTION") == "1"
_PROBABILITIES: dict[str, float] = {}


def crash_point(point: str) -> None:
    """Die here with the configured probability (never when fault injection is off)."""
    if not ENABLED:
        return
    if point not in _PROBABILITIES:
        _PROBABILITIES[point] = float(os.environ.get(f"FAULT_{point.upper()}", "0") or 0)
    if _PROBABILITIES[point] and random.random() < _PROBABILITIES[point]:
        log.warning("fault injection: crashing at %s", point)
        logging.shutdown()
        os._exit(137)
