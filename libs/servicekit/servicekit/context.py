"""Correlation context carried through requests, events and log lines."""
from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from typing import Iterator

correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)
causation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("causation_id", default=None)


def current_correlation_id() -> str:
    """The correlation id of the work in progress, or a fresh one if none was set."""
    value = correlation_id.get()
    if value is None:
        value = str(uuid.uuid4())
        correlation_id.set(value)
    return value


@contextmanager
def correlated(corr: str | None, cause: str | None = None) -> Iterator[None]:
    """Run a block of work under the given correlation and causation ids."""
    t1 = correlation_id.set(corr or str(uuid.uuid4()))
    t2 = causation_id.set(cause)
    try:
        yield
    finally:
        correlation_id.reset(t1)
        causation_id.reset(t2)
