"""Which therapist treats which client for which service, as the tasks service assigns them."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicekit.db import utcnow

from booking.models import ClientTherapist


def record_assignment(session: Session, data: dict[str, Any]) -> ClientTherapist:
    """Upsert the (client, therapist, service) link; repeating it only refreshes the task reference."""
    key = (data["client_id"], data["therapist_id"], data["service_code"])
    link = session.get(ClientTherapist, key)
    if link is None:
        link = ClientTherapist(client_id=key[0], therapist_id=key[1], service_code=key[2])
        session.add(link)
    link.task_id = data.get("task_id")
    link.quotation_id = data.get("quotation_id")
    link.assigned_at = utcnow()
    session.flush()
    return link
