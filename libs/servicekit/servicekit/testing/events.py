"""Event builders and outbox readers for service tests."""
from __future__ import annotations

import json
import os
import uuid
from typing import Any

from sqlalchemy import select

from servicekit import sealing
from servicekit.db import Database
from servicekit.messaging.envelope import Envelope
from servicekit.messaging.tables import outbox


def event(event_type: str, data: dict[str, Any], producer: str = "test", version: int = 1) -> Envelope:
    """An envelope as another service would publish it (fresh id and correlation id)."""
    return Envelope.new(event_type, data, producer=producer, correlation_id=str(uuid.uuid4()), version=version)


def outbox_events(db: Database, event_type: str, **match: Any) -> list[dict[str, Any]]:
    """The staged envelopes of `event_type` whose data contains `match`, oldest first."""
    with db.transaction() as session:
        bodies = session.scalars(select(outbox.c.body).where(outbox.c.event_type == event_type)
                                 .order_by(outbox.c.position)).all()
    found = [json.loads(body) for body in bodies]
    return [e for e in found if all(e["data"].get(k) == v for k, v in match.items())]


def sealed(link: str) -> str:
    """A personal link as a producer puts it in an event (the `sealing_env` fixture holds the keys)."""
    return sealing.seal(link, os.environ["LINK_SEALING_PUBLIC_KEY"])


def opened(value: str) -> str:
    """A personal link an event carries sealed, opened as the notifications service does."""
    return sealing.unseal(value, os.environ["LINK_SEALING_PRIVATE_KEY"])
