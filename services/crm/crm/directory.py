"""Clients and their contacts: matching a booking's family to known records, creating and updating them."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.db import LIKE_ESCAPE, contains_pattern
from servicekit.errors import Forbidden, not_found
from servicekit.messaging import add_event

from crm.models import Activity, Client, ClientContact, Contact

PHONE_LIKE = re.compile(r"[0-9 .()+-]+")  # what a typed phone number looks like
PHONE_SEARCH_DIGITS = 4  # fewer digits would match half the families


def client_payload(client: Client) -> dict[str, Any]:
    """Event-carried state other services keep about a client (names, guardians' e-mails)."""
    return {
        "client_id": client.id,
        "first_name": client.first_name,
        "last_name": client.last_name,
        "birth_date": client.birth_date.isoformat() if client.birth_date else None,
        "status": client.status,
        "guardians": [
            {"contact_id": c.id, "first_name": c.first_name, "last_name": c.last_name, "email": c.email,
             "phone": c.phone}
            for c in client.guardians
        ],
    }


def _same_name(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _find_contact_by_email(session: Session, email: str | None) -> Contact | None:
    if not email:
        return None
    return session.scalars(select(Contact).where(Contact.email == email.strip().lower())
                           .order_by(Contact.created_at).limit(1)).first()


def _children_of(session: Session, contact: Contact) -> list[Client]:
    return list(session.scalars(select(Client).join(ClientContact).where(ClientContact.contact_id == contact.id)))


def _matches(client: Client, first: str, last: str, birth_date: dt.date | None) -> bool:
    same_birth = birth_date is None or client.birth_date is None or client.birth_date == birth_date
    return _same_name(client.first_name, first) and _same_name(client.last_name, last) and same_birth


def new_contact(session: Session, person: dict[str, Any]) -> Contact:
    contact = Contact(first_name=person["first_name"].strip(), last_name=person["last_name"].strip(),
                      email=(person.get("email") or "").strip().lower() or None, phone=person.get("phone"))
    session.add(contact)
    return contact


def link(session: Session, client: Client, contact: Contact, kind: str = "guardian") -> None:
    if not any(existing.contact_id == contact.id for existing in client.links):
        # Naming the client puts the link in client.links already (back_populates): appending it again
        # listed the guardian twice in the answer.
        session.add(ClientContact(client=client, contact=contact, kind=kind))
    session.flush()


def create_client(session: Session, person: dict[str, Any], guardians: list[dict[str, Any]],
                  status: str = "prospect") -> Client:
    """A new client with its guardians; publishes `client.created`."""
    client = Client(first_name=person["first_name"].strip(), last_name=person["last_name"].strip(),
                    birth_date=person.get("birth_date"), status=status)
    session.add(client)
    for guardian in guardians:
        contact = _find_contact_by_email(session, guardian.get("email")) or new_contact(session, guardian)
        session.flush()
        link(session, client, contact)
    session.flush()
    add_event(session, "client.created", client_payload(client))
    return client


def match_or_create_family(session: Session, data: dict[str, Any]) -> tuple[Client, Contact]:
    """The client and guardian a booking is for: by client id, else guardian e-mail + child's name, else new.

    A booking never adds or changes a known client's guardians (whoever books, staff or anonymous): if it names
    someone not on file, the opportunity goes to the client's first guardian and the timeline says so.
    Guardians and portal access change only through the client record (else anyone who may book could give
    themselves a family's portal login).
    """
    child, guardian_data = data["client"], data["guardian"]
    birth = dt.date.fromisoformat(child["birth_date"]) if child.get("birth_date") else None
    guardian = _find_contact_by_email(session, guardian_data.get("email"))
    client = session.get(Client, data["client_id"]) if data.get("client_id") else None
    if client is None and guardian is not None:
        client = next((c for c in _children_of(session, guardian)
                       if _matches(c, child["first_name"], child["last_name"], birth)), None)
    if client is None:
        client = create_client(session, {**child, "birth_date": birth}, [guardian_data])
        return client, client.guardians[0]
    if guardian in client.guardians:
        return client, guardian
    record_activity(session, client.id, "booking_guardian_not_on_file",
                    f"A booking named {guardian_data.get('email') or 'a guardian'} who is not on this client's "
                    "file; not added (add contacts from the client record)")
    return client, client.guardians[0]


def get_client(session: Session, client_id: str, principal: Principal) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise not_found("Client", client_id)
    if not principal.may_see_family(client.id):
        raise Forbidden("You may only see your own family's records.")
    return client


def list_clients(session: Session, principal: Principal, args: dict[str, Any]):
    stmt = select(Client).order_by(Client.last_name, Client.first_name, Client.id)
    if principal.role == "client":
        stmt = stmt.where(Client.id.in_(principal.client_ids or {""}))
    if args.get("status"):
        stmt = stmt.where(Client.status == args["status"])
    if args.get("q") and args["q"].strip():
        stmt = stmt.where(_matching(args["q"]))
    if args.get("guardian_email"):
        stmt = stmt.join(ClientContact).join(Contact).where(Contact.email == args["guardian_email"].lower())
    return stmt


def _digits(column: Any) -> Any:
    """A phone column without the separators people type (spaces, dots, dashes, brackets, plus)."""
    for separator in (" ", ".", "-", "(", ")", "+"):
        column = func.replace(column, separator, "")
    return column


def _matching(text: str) -> Any:
    """Clients whose name, or a guardian's name, e-mail or phone number, contains `text` (any case)."""
    pattern = contains_pattern(text.strip().lower())
    guardian_terms = [func.lower(Contact.first_name + " " + Contact.last_name).like(pattern, escape=LIKE_ESCAPE),
                      func.lower(Contact.email).like(pattern, escape=LIKE_ESCAPE)]
    digits = re.sub(r"\D", "", text)
    if len(digits) >= PHONE_SEARCH_DIGITS and PHONE_LIKE.fullmatch(text.strip()):
        guardian_terms.append(_digits(Contact.phone).like(f"%{digits}%"))
    by_guardian = select(ClientContact.client_id).join(Contact).where(or_(*guardian_terms))
    return or_(func.lower(Client.first_name + " " + Client.last_name).like(pattern, escape=LIKE_ESCAPE),
               Client.id.in_(by_guardian))


def update_client(session: Session, client: Client, changes: dict[str, Any]) -> Client:
    """Apply edits; publishes `client.updated` when anything changed."""
    changed = False
    for field in ("first_name", "last_name", "birth_date", "status"):
        if field in changes and getattr(client, field) != changes[field]:
            setattr(client, field, changes[field])
            changed = True
    if changed:
        session.flush()
        add_event(session, "client.updated", client_payload(client))
    return client


def activate(session: Session, client: Client) -> None:
    """A signed quotation makes a prospect an active client."""
    if client.status == "prospect":
        update_client(session, client, {"status": "active"})


def record_activity(session: Session, client_id: str, kind: str, summary: str,
                    opportunity_id: str | None = None) -> None:
    session.add(Activity(client_id=client_id, kind=kind, summary=summary, opportunity_id=opportunity_id))

