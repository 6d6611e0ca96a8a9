"""Write an event in the same transaction as the state change; the relay publishes it after commit."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from servicekit import context
from servicekit.db import utcnow
from servicekit.messaging.envelope import Envelope
from servicekit.messaging.tables import outbox


def notify_channel(service: str) -> str:
    return f"outbox_{service}"


def add_event(session: Session, event_type: str, data: dict[str, Any], *, version: int = 1) -> Envelope:
    """Stage `event_type` with `data` in the outbox of the session's service; returns the envelope."""
    producer = session.info["service"]
    envelope = Envelope.new(
        event_type, data, producer=producer, version=version,
        correlation_id=context.current_correlation_id(), causation_id=context.causation_id.get(),
    )
    session.execute(insert(outbox).values(
        event_id=envelope.id, event_type=event_type, correlation_id=envelope.correlation_id,
        body=envelope.to_json(), created_at=utcnow(),
    ))
    if session.get_bind().dialect.name == "postgresql":
        # NOTIFY is transactional: the relay wakes at commit, not before, and not on rollback.
        session.execute(text("SELECT pg_notify(:ch, '')"), {"ch": notify_channel(producer)})
    return envelope
