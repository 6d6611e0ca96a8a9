"""Events the tasks service consumes: one small function per event, run inside the inbox transaction."""
from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from servicekit.messaging import Envelope, HandlerRegistry, PoisonMessage

from tasks import intake
from tasks.schemas import QuotationSigned

handlers = HandlerRegistry()


@handlers.on("quotation.signed")
def quotation_signed(session: Session, event: Envelope) -> None:
    try:
        data = QuotationSigned().load(event.data)
    except ValidationError as exc:
        # A payload that breaks the contract will not get better on retry: dead-letter it.
        raise PoisonMessage(f"quotation.signed {event.id} breaks the contract: {exc.messages}") from exc
    intake.tasks_from_quotation(session, data)
