"""What billing knows about clients: names for invoices, kept from CRM's events."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from billing.models import ClientRef


def _guardian(data: dict[str, Any]) -> dict[str, Any] | None:
    # The guardian with an e-mail address is the one invoices are addressed to.
    guardians = data.get("guardians") or []
    return next((g for g in guardians if g.get("email")), guardians[0] if guardians else None)


def upsert_from_event(session: Session, data: dict[str, Any]) -> ClientRef:
    """`client.created` / `client.updated`: store the client's name and billing contact."""
    ref = session.get(ClientRef, data["client_id"]) or ClientRef(client_id=data["client_id"])
    ref.name = f"{data['first_name']} {data['last_name']}".strip()
    guardian = _guardian(data)
    ref.guardian_name = f"{guardian['first_name']} {guardian['last_name']}".strip() if guardian else None
    ref.guardian_email = guardian.get("email") if guardian else None
    session.add(ref)
    session.flush()
    return ref


def ensure(session: Session, client_id: str, name: str | None) -> None:
    """Remember a client's name from another event when CRM's own event has not arrived yet."""
    if name and session.get(ClientRef, client_id) is None:
        session.add(ClientRef(client_id=client_id, name=name))
        session.flush()
