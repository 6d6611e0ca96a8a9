"""Events the CRM consumes: one small function per event, run inside the inbox transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from servicekit.messaging import Envelope, HandlerRegistry

from crm import directory, pipeline
from crm.models import Client

handlers = HandlerRegistry()


@handlers.on("appointment.booked")
def appointment_booked(session: Session, event: Envelope) -> None:
    pipeline.open_from_booking(session, event.data)


@handlers.on("quotation.sent")
def quotation_sent(session: Session, event: Envelope) -> None:
    data = event.data
    opp = pipeline.advance(session, data["opportunity_id"], "quoted", quotation_id=data["quotation_id"])
    if opp is not None:
        directory.record_activity(session, opp.client_id, "quotation_sent",
                                  f"Quotation sent ({data.get('total')} {data.get('currency')})", opp.id)


@handlers.on("quotation.signed")
def quotation_signed(session: Session, event: Envelope) -> None:
    data = event.data
    opp = pipeline.advance(session, data["opportunity_id"], "won", quotation_id=data["quotation_id"])
    client = session.get(Client, data["client_id"])
    if client is not None:
        directory.activate(session, client)
        directory.record_activity(session, client.id, "quotation_signed",
                                  f"Quotation signed by {data.get('signer_name')}", opp.id if opp else None)


@handlers.on("invoice.paid")
def invoice_paid(session: Session, event: Envelope) -> None:
    data = event.data
    if session.get(Client, data["client_id"]) is not None:
        directory.record_activity(session, data["client_id"], "invoice_paid",
                                  f"Invoice {data['number']} paid ({data['total']} {data['currency']})")
