"""Events billing consumes: one small function per event, run inside the inbox transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from servicekit import center
from servicekit.messaging import Envelope, HandlerRegistry

from billing import billables, client_refs, credits

handlers = HandlerRegistry()


@handlers.on("client.created")
def client_created(session: Session, event: Envelope) -> None:
    client_refs.upsert_from_event(session, event.data)


@handlers.on("client.updated")
def client_updated(session: Session, event: Envelope) -> None:
    client_refs.upsert_from_event(session, event.data)


@handlers.on(center.EVENT)
def center_updated(session: Session, event: Envelope) -> None:
    center.keep(session, event.data)


@handlers.on("quotation.signed")
def quotation_signed(session: Session, event: Envelope) -> None:
    """Packages are billed and credited when signed; single sessions wait for their task to complete."""
    data = event.data
    client_refs.ensure(session, data["client_id"], data.get("client_name"))
    for line in data["lines"]:
        if line.get("kind") == "package":
            billables.record_package_sale(session, data, line)
            credits.open_credit(session, data, line)


@handlers.on("task.completed")
def task_completed(session: Session, event: Envelope) -> None:
    """Billable work becomes an unbilled item; package work draws on the package's credit."""
    data = event.data
    client_refs.ensure(session, data["client_id"], data.get("client_name"))
    if data.get("billable"):
        billables.record_task_work(session, data)
    if data.get("package_credit"):
        credits.consume(session, data["task_id"], data["package_credit"])
