"""Per-client reminder settings (channels, lead time, contact overrides, opt-out) and whom to write to."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete
from sqlalchemy.orm import Session

from servicekit.auth import CLIENT, FRONT_DESK, Principal
from servicekit.errors import Forbidden, field_error

from notifications.config import NotificationsSettings
from notifications.models import Appointment, OptOut, Recipient, ReminderSetting
from notifications.phones import InvalidPhone, to_e164


@dataclass(frozen=True)
class Contact:
    """Where and how to reach a family about an appointment."""

    name: str
    email: str | None
    phone: str | None
    timezone: str
    opted_out: bool = False


@dataclass(frozen=True)
class Plan:
    """The reminders a client gets: on which channels, how long before (None = none)."""

    channels: tuple[str, ...]
    lead_hours: int | None


def authorize(principal: Principal, client_id: str) -> None:
    """The front desk, or the guardian of that family, may read and change a client's settings."""
    if not (principal.has_any([FRONT_DESK]) or principal.role == CLIENT and principal.may_see_family(client_id)):
        raise Forbidden("You may only see and change your own family's reminder settings.")


def plan(row: ReminderSetting | None, settings: NotificationsSettings) -> Plan:
    """The client's own choice, else the center default (REMINDER_DEFAULT_LEAD_HOURS, off when unset)."""
    if row is None:
        return Plan(settings.reminder_default_channels, settings.reminder_default_lead_hours)
    return Plan(tuple(row.channels), None if row.opt_out else row.lead_hours)


def view(session: Session, client_id: str, settings: NotificationsSettings) -> dict[str, Any]:
    """The settings as the API shows them (the center default when the client never chose)."""
    row = session.get(ReminderSetting, client_id)
    chosen = plan(row, settings)
    return {"client_id": client_id, "channels": list(chosen.channels),
            "lead_hours": row.lead_hours if row else chosen.lead_hours,
            "email": row.email if row else None, "phone": row.phone if row else None,
            "timezone": row.timezone if row else None, "opt_out": row.opt_out if row else False,
            "is_default": row is None, "updated_at": row.updated_at if row else None}


def _checked(data: dict[str, Any], settings: NotificationsSettings) -> dict[str, Any]:
    phone, timezone = data.get("phone"), data.get("timezone")
    if phone:
        try:
            phone = to_e164(phone, settings.sms_default_region)
        except InvalidPhone as exc:
            raise field_error("phone", f"{exc}; give a mobile number, e.g. +33612345678") from exc
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise field_error("timezone", f"unknown time zone {timezone!r}; use an IANA name such as "
                                          "Europe/Paris") from exc
    channels = list(dict.fromkeys(data["channels"]))
    email = data["email"].strip().lower() if data.get("email") else None
    return {"channels": channels, "lead_hours": data.get("lead_hours"), "email": email, "phone": phone or None,
            "timezone": timezone or None, "opt_out": bool(data.get("opt_out"))}


def save(session: Session, client_id: str, data: dict[str, Any], principal: Principal,
         settings: NotificationsSettings) -> ReminderSetting:
    """Replace the client's settings (validated: phone in E.164, a real time zone)."""
    values = _checked(data, settings)
    row = session.get(ReminderSetting, client_id, with_for_update=True)
    if row is None:
        row = ReminderSetting(client_id=client_id)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = principal.user_id
    if principal.role == CLIENT and row.email and not row.opt_out and row.email == principal.email.strip().lower():
        # The family asks for messages at its own sign-in address again: undo its earlier unsubscribe. Never
        # for another address (else anyone could undo someone else's unsubscribe by typing it here).
        session.execute(delete(OptOut).where(OptOut.address == row.email))
    session.flush()
    return row


def is_unsubscribed(session: Session, address: str | None) -> bool:
    """True when `address` followed an unsubscribe link."""
    return bool(address) and session.get(OptOut, address.strip().lower()) is not None


def for_appointment(session: Session, appointment: Appointment, settings: NotificationsSettings) -> Contact:
    """Settings overrides first, then the client's guardian from the CRM, then the guardian named in the booking.

    The CRM's guardian comes before whoever a booking names: a booking for a known client may name anyone
    (staff type it), and that person must not receive the family's messages and their one-click links.
    """
    row = session.get(ReminderSetting, appointment.client_id) if appointment.client_id else None
    known = session.get(Recipient, appointment.client_id) if appointment.client_id else None
    if known is not None and not (known.email or known.phone):
        known = None
    return Contact(
        name=(known.guardian_name if known else "") or appointment.guardian_name or "",
        email=(row.email if row else None) or (known.email if known else None) or appointment.guardian_email,
        phone=(row.phone if row else None) or (known.phone if known else None) or appointment.guardian_phone,
        timezone=(row.timezone if row else None) or settings.center_timezone,
        opted_out=bool(row and row.opt_out))


def for_client(session: Session, client_id: str | None, settings: NotificationsSettings) -> Contact:
    """The client's guardian from the CRM, in the client's time zone (documents, receipts)."""
    known = session.get(Recipient, client_id) if client_id else None
    row = session.get(ReminderSetting, client_id) if client_id else None
    return Contact(name=known.guardian_name if known else "", email=known.email if known else None,
                   phone=known.phone if known else None,
                   timezone=(row.timezone if row else None) or settings.center_timezone)

