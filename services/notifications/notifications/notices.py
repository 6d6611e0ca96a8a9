"""What each event tells whom: appointment notices and staff alerts, documents, invitations (all logged, none sent)."""
from __future__ import annotations

import logging
from typing import Any, Callable

from sqlalchemy.orm import Session

from servicekit.db import utcnow
from servicekit.messaging import Envelope

from notifications import appointments, contexts, documents, personal_links, preferences, reminders
from notifications.config import NotificationsSettings
from notifications.delivery_log import Source
from notifications.messages import Request, send
from notifications.models import Appointment, Recipient, ReminderSetting
from notifications.preferences import Contact
from notifications.templates import full_name

log = logging.getLogger(__name__)

FAMILY_NOTICES = {"appointment.booked": "appointment_booked", "appointment.rescheduled": "appointment_rescheduled",
                  "appointment.cancelled": "appointment_cancelled"}
STAFF_ALERTS = {"appointment.cancel_requested": "staff_cancel_requested",
                "appointment.cancel_withdrawn": "staff_cancel_withdrawn", "appointment.cancelled": "staff_cancelled"}


def _channels(session: Session, appointment: Appointment, settings: NotificationsSettings) -> tuple[str, ...]:
    row = session.get(ReminderSetting, appointment.client_id) if appointment.client_id else None
    return preferences.plan(row, settings).channels


def _family_notice(session: Session, settings: NotificationsSettings, event: Envelope, item: Appointment) -> None:
    contact = preferences.for_appointment(session, item, settings)
    request = Request(FAMILY_NOTICES[event.type], contexts.appointment(item, event.data, contact.timezone),
                      client_id=item.client_id, appointment_id=item.id,
                      no_address="no e-mail address given for the guardian in the booking")
    send(session, settings, Source.of(event), request, contact, _channels(session, item, settings))


def _staff_alert(session: Session, settings: NotificationsSettings, event: Envelope, item: Appointment) -> None:
    if event.type == "appointment.cancelled" and event.data.get("actor") != "guardian":
        return  # staff cancelled it themselves: nothing to tell the front desk
    contact = Contact("Front desk", settings.front_desk_email, None, settings.center_timezone)
    request = Request(STAFF_ALERTS[event.type], contexts.staff_alert(item, event.data, settings.center_timezone),
                      client_id=item.client_id, appointment_id=item.id)
    send(session, settings, Source.of(event), request, contact)


def appointment_changed(session: Session, settings: NotificationsSettings, event: Envelope) -> None:
    """Any appointment event: keep the snapshot, re-plan its reminders, log the notice and staff alert it calls for."""
    item, fresh = appointments.record(session, event)
    if not fresh:
        log.info("%s %s is older than the state we hold; no notice", event.type, event.id)
        return
    reminders.sync(session, item, settings, utcnow(), event.correlation_id)
    if event.type in FAMILY_NOTICES:
        _family_notice(session, settings, event, item)
    if event.type in STAFF_ALERTS:
        _staff_alert(session, settings, event, item)


def client_linked(session: Session, settings: NotificationsSettings, event: Envelope) -> None:
    """opportunity.stage_changed: link the booking to its client, whose preferences now apply."""
    data = event.data
    if not data.get("appointment_id") or not data.get("client_id"):
        return
    item = appointments.link_client(session, data["appointment_id"], data["client_id"])
    reminders.sync(session, item, settings, utcnow(), event.correlation_id)


def _client_name(session: Session, client_id: str | None) -> str:
    known = session.get(Recipient, client_id) if client_id else None
    return known.client_name if known else ""


def quotation_sent(session: Session, settings: NotificationsSettings, event: Envelope) -> None:
    """E-mail the review-and-sign link; keep the link to attach the signed PDF later."""
    data = personal_links.opened(event.data, settings.link_sealing_private_key, "share_url")
    documents.remember(session, settings, "quotation", data["quotation_id"], data.get("share_url"),
                       number=data.get("number") or "", email=data.get("recipient_email"),
                       name=data.get("recipient_name") or "")
    base = preferences.for_client(session, data.get("client_id"), settings)
    contact = Contact(data.get("recipient_name") or "", data.get("recipient_email"), None, base.timezone)
    request = Request("quotation_sent", contexts.quotation_sent(data, base.timezone), client_id=data.get("client_id"),
                      no_address=f"no e-mail address given for quotation {data.get('number')}")
    send(session, settings, Source.of(event), request, contact)


def quotation_signed(session: Session, settings: NotificationsSettings, event: Envelope) -> None:
    """E-mail a copy of the signed quotation (the PDF is fetched from sales when the mail is sent)."""
    data = event.data
    doc = documents.known(session, "quotation", data["quotation_id"])
    base = preferences.for_client(session, data.get("client_id"), settings)
    contact = Contact(doc.recipient_name if doc and doc.recipient_email else base.name,
                      doc.recipient_email if doc and doc.recipient_email else base.email, None, base.timezone)
    request = Request("quotation_signed", contexts.quotation_signed(data, base.timezone),
                      client_id=data.get("client_id"),
                      attachment_ref=documents.ref("quotation", data["quotation_id"]) if doc else None,
                      attachment_name=f"{data.get('number') or 'quotation'}-signed.pdf",
                      no_address=f"no e-mail address on file for quotation {data.get('number')}")
    send(session, settings, Source.of(event), request, contact)


def invoice_issued(session: Session, settings: NotificationsSettings, event: Envelope) -> None:
    """E-mail the new invoice with its PDF (fetched from billing with the invoice's own link)."""
    data = personal_links.opened(event.data, settings.link_sealing_private_key, "pdf_url")
    doc = documents.remember(session, settings, "invoice", data["invoice_id"], data.get("pdf_url"), number=data["number"])
    _invoice_mail(session, settings, event, "invoice_issued", doc is not None)


def invoice_paid(session: Session, settings: NotificationsSettings, event: Envelope) -> None:
    """The payment receipt, with the paid invoice's PDF when we hold its link."""
    doc = documents.known(session, "invoice", event.data["invoice_id"])
    _invoice_mail(session, settings, event, "payment_confirmation", doc is not None)


def _invoice_mail(session: Session, settings: NotificationsSettings, event: Envelope, kind: str,
                  has_pdf: bool) -> None:
    data = event.data
    contact = preferences.for_client(session, data["client_id"], settings)
    build = contexts.invoice_issued if kind == "invoice_issued" else contexts.payment_received
    request = Request(kind, build(data, _client_name(session, data["client_id"]), contact.timezone, has_pdf),
                      client_id=data["client_id"],
                      attachment_ref=documents.ref("invoice", data["invoice_id"]) if has_pdf else None,
                      attachment_name=f"{data['number']}.pdf",
                      no_address=f"no e-mail address on file for client {data['client_id']}")
    send(session, settings, Source.of(event), request, contact)


def account_invited(session: Session, settings: NotificationsSettings, event: Envelope) -> None:
    """E-mail the portal activation link to the guardian."""
    _account_link(session, settings, event, "portal_invitation", "activation_url", contexts.invitation)


def password_reset_requested(session: Session, settings: NotificationsSettings, event: Envelope) -> None:
    """E-mail a password reset link to the account's own address (staff or family)."""
    _account_link(session, settings, event, "password_reset", "reset_url", contexts.password_reset)


def _account_link(session: Session, settings: NotificationsSettings, event: Envelope, kind: str, link: str,
                  build: Callable[[dict[str, Any], str], dict[str, Any]]) -> None:
    """A sealed link for one account, to the account's own address; a family's is filed under its first child."""
    data = personal_links.opened(event.data, settings.link_sealing_private_key, link)
    client_ids = data.get("client_ids") or []
    client_id = client_ids[0] if client_ids else None
    base = preferences.for_client(session, client_id, settings)
    contact = Contact(base.name, data["email"], None, base.timezone)
    send(session, settings, Source.of(event), Request(kind, build(data, contact.timezone), client_id=client_id),
         contact)


def waitlist_offered(session: Session, settings: NotificationsSettings, event: Envelope) -> None:
    """A freed slot held for a wait-list family: to the guardian who asked, with the (sealed) link to take it."""
    data = personal_links.opened(event.data, settings.link_sealing_private_key, "accept_url")
    guardian = data.get("guardian") or {}
    base = preferences.for_client(session, data.get("client_id"), settings)
    contact = Contact(full_name(guardian) or base.name, guardian.get("email") or base.email, None, base.timezone)
    request = Request("waitlist_offer", contexts.waitlist_offer(data, contact.timezone),
                      client_id=data.get("client_id"), no_address=f"no e-mail address for wait-list entry "
                                                                   f"{data.get('entry_id')}")
    send(session, settings, Source.of(event), request, contact)
