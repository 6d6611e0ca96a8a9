"""A guardian's answer to a reminder (notifications' one-click links): confirm, or ask to cancel."""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.db import utcnow
from servicekit.errors import Conflict

from booking import lifecycle
from booking.config import BookingSettings
from booking.journal import GUARDIAN_BY_LINK
from booking.models import Appointment

log = logging.getLogger(__name__)

# A reminder never cancels outright: "cancel" is a guardian's request the center accepts.
ACTIONS = {"confirm": "confirm", "cancel": "request_cancel"}


def respond(session: Session, data: dict[str, Any], settings: BookingSettings) -> None:
    """Apply the answer as the guardian would from the portal; one the state forbids is logged and ignored."""
    action = ACTIONS.get(data.get("action", ""))
    appointment = session.scalars(select(Appointment).where(Appointment.id == str(data.get("appointment_id")))
                                  .with_for_update(of=Appointment)).first()
    if action is None or appointment is None:
        log.warning("reminder answer ignored: unknown action %r or appointment %s", data.get("action"),
                    data.get("appointment_id"))
        return
    reason = f"Asked from the {data.get('channel', 'e-mail')} reminder" if action == "request_cancel" else None
    try:
        lifecycle.apply(session, appointment, action, GUARDIAN_BY_LINK, settings, utcnow(), reason=reason)
    except Conflict as refused:
        log.info("reminder answer %s for appointment %s ignored: %s", data["action"], appointment.id,
                 refused.detail)
