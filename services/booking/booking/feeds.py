"""A therapist's calendar feed: a secret tokenised URL (only its hash stored) serving their sessions as iCalendar."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import ADMIN, Principal
from servicekit.errors import Forbidden, Unauthorized

from booking import ical
from booking.config import BookingSettings
from booking.models import Appointment, Therapist

FEED_STATUSES = ("booked", "confirmed", "pending_cancel", "completed")
PAST_DAYS, FUTURE_DAYS = 60, 400


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def rotate_token(therapist: Therapist, principal: Principal, settings: BookingSettings) -> dict[str, Any]:
    """A new feed secret for an admin or the therapist themself; the previous URL stops working."""
    if not (principal.has_any([ADMIN]) or (principal.therapist_id and principal.therapist_id == therapist.id)):
        raise Forbidden("Only an administrator or the therapist may renew this calendar link.")
    token = secrets.token_urlsafe(32)
    therapist.calendar_token_hash = _digest(token)
    url = f"{settings.public_base_url}/api/v1/therapists/{therapist.id}/calendar.ics?token={token}"
    return {"therapist_id": therapist.id, "token": token, "url": url}


def check_token(therapist: Therapist, token: str | None) -> None:
    """A 401 unless `token` is the therapist's current feed secret."""
    if not (token and therapist.calendar_token_hash
            and hmac.compare_digest(_digest(token), therapist.calendar_token_hash)):
        raise Unauthorized("This calendar link is not valid (a newer one may have replaced it).")


def initials(first_name: str, last_name: str) -> str:
    """"L.M." for Lina Martin: all a shared calendar shows of a client."""
    return "".join(f"{name.strip()[:1].upper()}." for name in (first_name, last_name) if name.strip())


def summary(appointment: Appointment) -> str:
    """The service and the client's initials: never a name, never notes (calendars are shared and synced)."""
    who = initials(appointment.client_first_name, appointment.client_last_name)
    return f"{appointment.service_code} session ({who})"


def feed(session: Session, therapist: Therapist, token: str | None, now: dt.datetime) -> str:
    """The therapist's sessions from 60 days ago to 400 days ahead, as text/calendar."""
    check_token(therapist, token)
    rows = session.scalars(select(Appointment).where(
        Appointment.therapist_id == therapist.id, Appointment.status.in_(FEED_STATUSES),
        Appointment.start_at >= now - dt.timedelta(days=PAST_DAYS),
        Appointment.start_at < now + dt.timedelta(days=FUTURE_DAYS)).order_by(Appointment.start_at))
    events = [ical.Event(a.id, a.start_at, a.end_at, summary(a),
                         "CONFIRMED" if a.status in ("confirmed", "completed") else "TENTATIVE", a.updated_at)
              for a in rows]
    return ical.render(f"Sessions of {therapist.name}", events, now)
