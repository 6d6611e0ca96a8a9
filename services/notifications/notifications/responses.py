"""What the links in messages do: confirm or ask to cancel one appointment, or unsubscribe one address."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from servicekit.errors import Gone
from servicekit.messaging import add_event

from notifications import appointments, links, preferences
from notifications.config import NotificationsSettings
from notifications.models import Appointment, OptOut, UsedLink
from notifications.templates import format_when

USED = "This link was already used. If you need to change your answer, please contact the center."
EXPIRED = "This link has expired: the session has started or is over. Please contact the center."
MOVED = "This session has moved since this message was sent. Please use the link in the most recent message."
GONE_STATUSES = {"pending_cancel": "You have already asked to cancel this session; the center will be in touch.",
                 "cancelled": "This session was cancelled.", "completed": "This session has already taken place.",
                 "no_show": "This session has already taken place."}


@dataclass(frozen=True)
class Outcome:
    """What a confirm / cancel link did, for the page shown to the family."""

    action: str
    when: str
    appointment_id: str


def _usable(session: Session, settings: NotificationsSettings, token: str, now: dt.datetime, *,
            lock: bool) -> tuple[links.ReminderClaims, Appointment]:
    """The link's claims and its appointment, while the link can still act (403 tampered, 410 used/expired)."""
    claims = links.read_reminder(links.secret(session, settings), token)
    if session.get(UsedLink, claims.token_id) is not None:
        raise Gone(USED)
    if now >= claims.expires_at:
        raise Gone(EXPIRED)
    appointment = (appointments.lock(session, claims.appointment_id) if lock
                   else session.get(Appointment, claims.appointment_id))
    if appointment is None or appointment.status in GONE_STATUSES:
        raise Gone(GONE_STATUSES.get(appointment.status if appointment else "", "This session is not scheduled."))
    if appointment.start_at != claims.expires_at:
        raise Gone(MOVED)
    return claims, appointment


def _outcome(session: Session, settings: NotificationsSettings, claims: links.ReminderClaims,
             appointment: Appointment) -> Outcome:
    timezone = preferences.for_appointment(session, appointment, settings).timezone
    return Outcome(claims.action, format_when(appointment.start_at, timezone), appointment.id)


def preview(session: Session, settings: NotificationsSettings, token: str, now: dt.datetime) -> Outcome:
    """What a confirm / cancel link would do, without doing it: opening a link (or a mail scanner fetching it)
    changes nothing; only the button on the page it opens acts (`respond`)."""
    claims, appointment = _usable(session, settings, token, now, lock=False)
    return _outcome(session, settings, claims, appointment)


def respond(session: Session, settings: NotificationsSettings, token: str, now: dt.datetime) -> Outcome:
    """Use a confirm / cancel link once: publish reminder.responded for booking (403 tampered, 410 used/expired)."""
    claims, appointment = _usable(session, settings, token, now, lock=True)
    session.add(UsedLink(token_id=claims.token_id, appointment_id=appointment.id, action=claims.action,
                         channel=claims.channel, used_at=now))
    session.flush()
    add_event(session, "reminder.responded", {
        "appointment_id": appointment.id, "action": claims.action, "channel": claims.channel,
        "responded_at": now.isoformat(), "token_id": claims.token_id})
    return _outcome(session, settings, claims, appointment)


def unsubscribing(session: Session, settings: NotificationsSettings, token: str) -> str:
    """The address an unsubscribe link is for (403 tampered), without unsubscribing it."""
    return links.read_unsubscribe(links.secret(session, settings), token)


def unsubscribe(session: Session, settings: NotificationsSettings, token: str) -> str:
    """Opt the token's address out of reminders and appointment notices; the address."""
    address = links.read_unsubscribe(links.secret(session, settings), token)
    if session.get(OptOut, address) is None:
        session.add(OptOut(address=address))
        session.flush()
    return address
