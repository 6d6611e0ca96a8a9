"""The wait list: families join it, staff read it, an offer is accepted (portal, e-mail link or staff) or dropped."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit.auth import CLIENT, FRONT_DESK, Principal
from servicekit.errors import Conflict, Forbidden, Gone, Unauthorized, not_found

from booking import appointments, catalog, lifecycle, offers, therapists
from booking.config import BookingSettings
from booking.journal import GUARDIAN_BY_LINK, Actor
from booking.models import Appointment, WaitlistEntry, WaitlistOffer


def join(session: Session, data: dict[str, Any], principal: Principal) -> WaitlistEntry:
    """Put a family on the wait list for a service (optionally one therapist and weekly windows)."""
    service = catalog.service_type(session, data["service_code"])
    therapist_id = str(data["therapist_id"]) if data.get("therapist_id") else None
    if therapist_id:
        therapists.offering_one(session, therapist_id, service.code)
    client_id = str(data["client_id"]) if data.get("client_id") else None
    source = appointments.booking_source(principal, client_id)
    child, guardian = data["client"], data["guardian"]
    entry = WaitlistEntry(
        service_code=service.code, therapist_id=therapist_id, client_id=client_id, source=source,
        client_first_name=child["first_name"].strip(), client_last_name=child["last_name"].strip(),
        client_birth_date=child.get("birth_date"), guardian_first_name=guardian["first_name"].strip(),
        guardian_last_name=guardian["last_name"].strip(), guardian_email=guardian["email"].strip().lower(),
        guardian_phone=guardian.get("phone"), status="waiting",
        windows=[{"weekday": w["weekday"], "start": f"{w['start']:%H:%M}", "end": f"{w['end']:%H:%M}"}
                 for w in data.get("windows") or ()])
    session.add(entry)
    session.flush()
    return entry


def list_entries(args: dict[str, Any]) -> Select:
    """Entries in wait-list order (first come, first served), filtered."""
    stmt = select(WaitlistEntry).order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    for field in ("service_code", "therapist_id", "client_id", "status"):
        if args.get(field):
            stmt = stmt.where(getattr(WaitlistEntry, field) == str(args[field]))
    return stmt


def get_entry(session: Session, entry_id: str, *, lock: bool = False) -> WaitlistEntry:
    """The wait-list entry (locked on request), else a 404."""
    stmt = select(WaitlistEntry).where(WaitlistEntry.id == entry_id)
    entry = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if entry is None:
        raise not_found("Wait-list entry", entry_id)
    return entry


def with_offer(session: Session, entry: WaitlistEntry) -> WaitlistEntry:
    """The entry with its open offer (or None) attached, for the response."""
    entry.offer = offers.open_offer(session, entry.id)
    return entry


def authorize(session: Session, entry: WaitlistEntry, principal: Principal, token: str | None) -> Actor:
    """Staff, the family's portal login, or the token of one of the entry's offers; else 401/403."""
    if principal.has_any([FRONT_DESK]) or (principal.role == CLIENT and entry.client_id
                                           and principal.may_see_family(entry.client_id)):
        return Actor.of(principal)
    if token and session.scalar(select(WaitlistOffer.id).where(
            WaitlistOffer.entry_id == entry.id, WaitlistOffer.token_hash == offers.hash_token(token))):
        return GUARDIAN_BY_LINK
    if principal.is_anonymous:
        raise Unauthorized("Open the link from the offer e-mail, or sign in to the family portal.")
    raise Forbidden("You may only manage your own family's wait-list entries.")


def remove(session: Session, entry_id: str, principal: Principal, token: str | None, settings: BookingSettings,
           now: dt.datetime) -> None:
    """Take an entry off the list; a slot it was holding goes to the next family."""
    entry = get_entry(session, entry_id, lock=True)
    authorize(session, entry, principal, token)
    offer = offers.open_offer(session, entry.id, lock=True)
    if entry.status in ("booked", "removed"):
        raise Conflict(f"The entry is already {entry.status}.")
    entry.status = "removed"
    if offer is not None:
        offers.end_offer(session, offer, "withdrawn")
        offers.pass_on(session, settings, offer, now)


def accept(session: Session, entry_id: str, principal: Principal, token: str | None, settings: BookingSettings,
           now: dt.datetime) -> Appointment:
    """Book the held slot of the entry's open offer; publishes `appointment.booked`."""
    entry = get_entry(session, entry_id, lock=True)
    actor = authorize(session, entry, principal, token)
    offer = offers.open_offer(session, entry.id, lock=True)
    if offer is None:
        raise Conflict("This entry has no open offer (it was accepted, withdrawn or it expired).")
    if offer.hold_until <= now:
        raise Gone("The offer has expired; the slot goes to the next family on the wait list.")
    held = session.scalars(select(Appointment).where(Appointment.id == offer.appointment_id)
                           .with_for_update(of=Appointment)).one()
    held.source = "front_desk" if actor.kind == "staff" else ("portal" if principal.role == CLIENT else "online")
    lifecycle.apply(session, held, "accept_offer", actor, settings, now)
    offer.status, entry.status, entry.appointment_id = "accepted", "booked", held.id
    return held
