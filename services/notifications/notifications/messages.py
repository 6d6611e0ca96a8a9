"""Turning "tell this person X" into delivery-log rows: one per channel, rendered from the admin's templates."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from servicekit import center
from servicekit.center import Center

from notifications import links, preferences, templates
from notifications.config import NotificationsSettings
from notifications.delivery_log import Draft, Source, queue
from notifications.models import NON_ESSENTIAL_KINDS, Notification
from notifications.phones import sms_number
from notifications.preferences import Contact

NO_MOBILE = "no valid mobile number on file ({}); sent by e-mail instead"


@dataclass
class Request:
    """What to tell: the kind, its template variables, whom it is about and what to attach."""

    kind: str
    variables: dict[str, Any]
    client_id: str | None = None
    appointment_id: str | None = None
    attachment_ref: str | None = None
    attachment_name: str | None = None
    links_until: dt.datetime | None = None  # reminders: confirm / cancel links valid until then
    no_address: str = "no e-mail address on file"


def _greeting(name: str) -> str:
    return f"Dear {name}," if name.strip() else "Hello,"


def center_variables(centre: Center) -> dict[str, str]:
    """The centre's details as template placeholders (blank when the centre has not set them)."""
    return {"center_name": centre.name, "center_address": "\n".join(centre.address_lines),
            "center_phone": centre.phone, "center_email": centre.email}


def compose(session: Session, settings: NotificationsSettings, kind: str, channel: str,
            variables: dict[str, Any], name: str, address: str | None) -> templates.Message:
    """The message of `kind` for one recipient on `channel`, with the center's details and the unsubscribe link."""
    unsubscribe = ""
    if channel == "email" and address and not kind.startswith("staff_"):
        unsubscribe = links.unsubscribe_url(links.secret(session, settings), settings.public_base_url, address)
    full = {**variables, **center_variables(center.current(session, settings)),
            "portal_url": settings.public_base_url, "recipient_name": name, "greeting": _greeting(name),
            "unsubscribe_url": unsubscribe}
    return templates.render(templates.current(session, kind), full, channel)


def _skip(session: Session, kind: str, contact: Contact, channel: str, address: str) -> str | None:
    if kind not in NON_ESSENTIAL_KINDS:
        return None
    if contact.opted_out:
        return "the family opted out of reminders and appointment notices"
    if channel == "email" and preferences.is_unsubscribed(session, address):
        return "this address unsubscribed from reminders and appointment notices"
    return None


def _variables(session: Session, settings: NotificationsSettings, request: Request, channel: str) -> dict[str, Any]:
    if request.links_until is None or request.appointment_id is None:
        return dict(request.variables)
    key = links.secret(session, settings)
    return {**request.variables, **links.reminder_urls(key, settings.public_base_url, request.appointment_id,
                                                       channel, request.links_until)}


def email(session: Session, settings: NotificationsSettings, source: Source, request: Request, contact: Contact,
          *, fallback_of: str | None = None, variables: dict[str, Any] | None = None) -> Notification:
    """Log the e-mail of `request` to the contact (failed at once without an address)."""
    address = (contact.email or "").strip()
    variables = variables if variables is not None else _variables(session, settings, request, "email")
    draft = Draft(kind=request.kind, channel="email", recipient=address, recipient_name=contact.name,
                  message=compose(session, settings, request.kind, "email", variables, contact.name, address),
                  client_id=request.client_id, appointment_id=request.appointment_id,
                  attachment_ref=request.attachment_ref, attachment_name=request.attachment_name,
                  context=variables, fallback_of=fallback_of, missing=None if address else request.no_address,
                  skip=_skip(session, request.kind, contact, "email", address))
    return queue(session, source, draft)[0]


def sms(session: Session, settings: NotificationsSettings, source: Source, request: Request,
        contact: Contact) -> Notification:
    """Log the SMS of `request`; without a valid mobile number, log why and send the e-mail instead."""
    number = sms_number(contact.phone, settings.sms_default_region)
    variables = _variables(session, settings, request, "sms")
    message = compose(session, settings, request.kind, "sms", variables, contact.name, None)
    draft = Draft(kind=request.kind, channel="sms", recipient=number or "", recipient_name=contact.name,
                  message=message, client_id=request.client_id, appointment_id=request.appointment_id,
                  context=variables, fallback_to=contact.email,
                  skip=_skip(session, request.kind, contact, "sms", number or ""))
    if number is None and draft.skip is None:
        draft.skip = NO_MOBILE.format(contact.phone or "none")
        queue(session, source, draft)
        return email(session, settings, source, request, contact)
    return queue(session, source, draft)[0]


def send(session: Session, settings: NotificationsSettings, source: Source, request: Request, contact: Contact,
         channels: tuple[str, ...] | list[str] = ("email",)) -> list[Notification]:
    """Log `request` on each channel (an SMS falls back to e-mail; one event never logs one message twice)."""
    return [sms(session, settings, source, request, contact) if channel == "sms"
            else email(session, settings, source, request, contact) for channel in channels]


def fall_back(session: Session, settings: NotificationsSettings, failed_sms: Notification) -> Notification | None:
    """The e-mail replacing an SMS that failed for good (None when no e-mail address is known)."""
    if not failed_sms.fallback_to:
        return None
    request = Request(kind=failed_sms.kind, variables=failed_sms.context or {}, client_id=failed_sms.client_id,
                      appointment_id=failed_sms.appointment_id)
    contact = Contact(failed_sms.recipient_name, failed_sms.fallback_to, None, settings.center_timezone)
    source = Source(failed_sms.event_id, failed_sms.event_type, failed_sms.correlation_id)
    return email(session, settings, source, request, contact, fallback_of=failed_sms.id,
                 variables=failed_sms.context or {})
