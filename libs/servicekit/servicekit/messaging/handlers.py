"""The table of events a service consumes and the function handling each."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from servicekit.messaging.envelope import Envelope, PoisonMessage

Handler = Callable[[Session, Envelope], None]


@dataclass(frozen=True)
class _Entry:
    fn: Handler
    versions: frozenset[int]


class HandlerRegistry:
    """`@handlers.on("appointment.booked")` registers `fn(session, event)` for version 1 of that event."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def on(self, event_type: str, *, versions: tuple[int, ...] = (1,)) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            if event_type in self._entries:
                raise ValueError(f"{event_type} already has a handler")
            self._entries[event_type] = _Entry(fn, frozenset(versions))
            return fn
        return register

    @property
    def event_types(self) -> list[str]:
        return sorted(self._entries)

    def resolve(self, event: Envelope) -> Handler:
        """The handler for this event, or PoisonMessage when the type or major version is unknown."""
        entry = self._entries.get(event.type)
        if entry is None:
            raise PoisonMessage(f"no handler for event type {event.type!r}")
        if event.version not in entry.versions:
            raise PoisonMessage(f"{event.type} version {event.version} is not supported "
                                f"(supported: {sorted(entry.versions)})")
        return entry.fn
