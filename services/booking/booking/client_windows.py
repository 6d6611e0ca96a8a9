"""Client availability: weekly windows (center-local) when a client can come, set by staff or the guardian."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from servicekit.auth import CLIENT, FRONT_DESK, THERAPIST, Principal
from servicekit.errors import Forbidden, Unauthorized, field_error

from booking import slots, therapists
from booking.models import Appointment, ClientWindow

MAX_WINDOWS = 21


def may_read(session: Session, principal: Principal, client_id: str) -> None:
    """The front desk (and above), a therapist for the clients they see (an appointment with them), the family.

    A biller has no use for when a family can come (least privilege): refused, as at /client-availability.
    """
    if principal.is_anonymous:
        raise Unauthorized("Log in to use a client's availability (client_id).")
    if principal.has_any([FRONT_DESK]):
        return
    if principal.role == CLIENT and not principal.may_see_family(client_id):
        raise Forbidden("You may only use your own family's availability.")
    if principal.is_only_therapist() and session.scalars(select(Appointment.id).where(
            Appointment.client_id == client_id, Appointment.therapist_id == (principal.therapist_id or ""))
            .limit(1)).first() is None:
        raise Forbidden("A therapist uses the availability of the clients they see only.")
    if principal.role not in (CLIENT, THERAPIST):
        raise Forbidden("Only the front desk, the client's therapists and family use the client's availability.")


def may_write(principal: Principal, client_id: str) -> None:
    """The front desk (and above) or the client's own family."""
    if principal.has_any([FRONT_DESK]) or (principal.role == CLIENT and principal.may_see_family(client_id)):
        return
    raise Forbidden("Only the front desk or the client's family may set the client's availability.")


def windows(session: Session, client_id: str) -> list[ClientWindow]:
    """The client's weekly windows, by weekday and start."""
    return list(session.scalars(select(ClientWindow).where(ClientWindow.client_id == client_id)
                                .order_by(ClientWindow.weekday, ClientWindow.start_time)))


def weekly(session: Session, client_id: str) -> tuple[slots.Hours, ...]:
    """The client's windows for the slot search (none: any time)."""
    return tuple(slots.Hours(w.weekday, w.start_time, w.end_time) for w in windows(session, client_id))


def replace(session: Session, client_id: str, week: list[dict[str, Any]]) -> list[ClientWindow]:
    """Replace the client's whole week of windows (an empty list removes them)."""
    if len(week) > MAX_WINDOWS:
        raise field_error("availability", f"at most {MAX_WINDOWS} windows a week")
    therapists.check_no_overlap(week, field="availability")
    session.execute(delete(ClientWindow).where(ClientWindow.client_id == client_id))
    session.add_all(ClientWindow(client_id=client_id, weekday=w["weekday"], start_time=w["start"],
                                 end_time=w["end"]) for w in week)
    session.flush()
    return windows(session, client_id)
