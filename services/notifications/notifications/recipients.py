"""Who receives a client's messages, kept from the CRM's client.created / client.updated events."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from notifications.models import Recipient
from notifications.templates import full_name


def remember(session: Session, data: dict[str, Any]) -> Recipient:
    """Upsert the client's name and their first guardian with an e-mail (else the first guardian)."""
    guardians = data.get("guardians") or []
    guardian = next((g for g in guardians if g.get("email")), guardians[0] if guardians else {})
    recipient = session.get(Recipient, data["client_id"])
    if recipient is None:
        recipient = Recipient(client_id=data["client_id"])
        session.add(recipient)
    recipient.client_name = full_name(data)
    recipient.guardian_name = full_name(guardian)
    recipient.email = (guardian.get("email") or "").strip() or None
    recipient.phone = guardian.get("phone")
    session.flush()
    return recipient


def email_of(session: Session, client_id: str | None) -> Recipient | None:
    """The client's recipient record when it has an e-mail address, else None."""
    recipient = session.get(Recipient, client_id) if client_id else None
    return recipient if recipient is not None and recipient.email else None
