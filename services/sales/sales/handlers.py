"""Events sales consumes: one small function per event, run inside the inbox transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from servicekit import center
from servicekit.messaging import Envelope, HandlerRegistry

from sales import references

handlers = HandlerRegistry()


@handlers.on("client.created")
def client_created(session: Session, event: Envelope) -> None:
    references.keep_client(session, event.data, references.parse_time(event.occurred_at))


@handlers.on("client.updated")
def client_updated(session: Session, event: Envelope) -> None:
    references.keep_client(session, event.data, references.parse_time(event.occurred_at))


@handlers.on(center.EVENT)
def center_updated(session: Session, event: Envelope) -> None:
    center.keep(session, event.data)


@handlers.on("opportunity.stage_changed")
def opportunity_stage_changed(session: Session, event: Envelope) -> None:
    data = event.data
    references.keep_opportunity(session, data, references.parse_time(data.get("changed_at") or event.occurred_at))
