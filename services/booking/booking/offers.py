"""Wait-list offers: a freed slot goes to the first suitable entry and is held for it; lapsed holds move on."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from servicekit import sealing
from servicekit.db import utcnow
from servicekit.messaging import add_event

from booking import placement, slots
from booking.appointments import new_appointment
from booking.config import BookingSettings
from booking.models import Appointment, ServiceType, Therapist, WaitlistEntry, WaitlistOffer
from booking.placement import Spot

EXPIRY_BATCH = 100


def hash_token(token: str) -> str:
    """SHA-256 hex of an offer's accept token: what the database holds instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def accept_url(settings: BookingSettings, entry_id: str, token: str) -> str:
    """The link in the offer e-mail: web's page of the offer, whose button books the held slot (opening it does
    nothing: mail scanners open every link)."""
    return f"{settings.public_base_url}/waitlist/{entry_id}/offer?token={token}"


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def entry_windows(entry: WaitlistEntry) -> tuple[slots.Hours, ...]:
    """The entry's weekly windows (none: any time) for the slot checks."""
    return tuple(slots.Hours(w["weekday"], dt.time.fromisoformat(w["start"]), dt.time.fromisoformat(w["end"]))
                 for w in entry.windows or ())


def _waiting_for(session: Session, spot: Spot) -> list[WaitlistEntry]:
    """Entries waiting for this service (and therapist), oldest first, that were not offered this slot before."""
    offered_before = select(WaitlistOffer.id).where(
        WaitlistOffer.entry_id == WaitlistEntry.id, WaitlistOffer.therapist_id == spot.therapist.id,
        WaitlistOffer.start_at == spot.start).exists()
    stmt = select(WaitlistEntry).where(
        WaitlistEntry.service_code == spot.service.code, WaitlistEntry.status == "waiting",
        or_(WaitlistEntry.therapist_id.is_(None), WaitlistEntry.therapist_id == spot.therapist.id),
        ~offered_before).order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    if _is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)  # two freed slots never go to one entry at once
    return list(session.scalars(stmt))


def offer_freed(session: Session, settings: BookingSettings, service: ServiceType, therapist_id: str,
                start: dt.datetime, now: dt.datetime) -> WaitlistOffer | None:
    """Offer a slot that just freed up to the first waiting entry it suits; None when nobody takes it."""
    therapist = session.get(Therapist, therapist_id)
    if therapist is None or not therapist.active or service.code not in therapist.service_codes:
        return None
    spot = Spot(service, therapist, start)
    if placement.refusal(session, spot, settings.zone, now):
        return None  # in the past, inside the notice, closed, time off: not a slot to offer
    for entry in _waiting_for(session, spot):
        if not slots.within_windows(entry_windows(entry), spot.start, spot.end, settings.zone):
            continue
        offer = _hold(session, settings, entry, Spot(service, therapist, start, client_id=entry.client_id), now)
        if offer is not None:
            return offer
    return None


def _hold(session: Session, settings: BookingSettings, entry: WaitlistEntry, spot: Spot,
          now: dt.datetime) -> WaitlistOffer | None:
    reason, room_id = placement.conflict(session, spot)
    if reason:
        return None
    held = new_appointment(spot, entry.client, entry.guardian, source=entry.source, notes=None, status="held",
                           room_id=room_id)
    if placement.save(session, held):
        return None
    token = secrets.token_urlsafe(32)
    offer = WaitlistOffer(entry_id=entry.id, appointment_id=held.id, therapist_id=spot.therapist.id,
                          start_at=spot.start, end_at=spot.end, token_hash=hash_token(token), status="open",
                          hold_until=now + dt.timedelta(minutes=settings.waitlist_hold_minutes))
    entry.status = "offered"
    session.add(offer)
    session.flush()
    add_event(session, "waitlist.slot_offered", offered_payload(entry, offer, spot, settings, token))
    return offer


def offered_payload(entry: WaitlistEntry, offer: WaitlistOffer, spot: Spot, settings: BookingSettings,
                    token: str) -> dict[str, Any]:
    """The data of `waitlist.slot_offered` (events_v2)."""
    zone = settings.zone
    return {
        "entry_id": entry.id, "offer_id": offer.id, "service_code": spot.service.code,
        "service_name": spot.service.name, "therapist_id": spot.therapist.id, "therapist_name": spot.therapist.name,
        "start": offer.start_at.astimezone(zone).isoformat(), "end": offer.end_at.astimezone(zone).isoformat(),
        "hold_until": offer.hold_until.astimezone(zone).isoformat(),
        "client": {"first_name": entry.client_first_name, "last_name": entry.client_last_name},
        "guardian": entry.guardian, "client_id": entry.client_id,
        # Sealed for the notifications service (servicekit.sealing): no usable link in the outbox or the broker.
        "accept_url": sealing.seal(accept_url(settings, entry.id, token), settings.link_sealing_public_key),
    }


def open_offer(session: Session, entry_id: str, *, lock: bool = False) -> WaitlistOffer | None:
    """The entry's open offer, if any (locked on request)."""
    stmt = select(WaitlistOffer).where(WaitlistOffer.entry_id == entry_id, WaitlistOffer.status == "open")
    return session.scalars(stmt.with_for_update() if lock else stmt).first()


def end_offer(session: Session, offer: WaitlistOffer, status: str) -> None:
    """Close an open offer (expired or withdrawn): its held appointment is removed and the slot is free again."""
    offer.status = status
    held = session.get(Appointment, offer.appointment_id) if offer.appointment_id else None
    if held is not None and held.status == "held":
        session.delete(held)
    session.flush()


def pass_on(session: Session, settings: BookingSettings, offer: WaitlistOffer, now: dt.datetime) -> None:
    """Offer the slot of an ended offer to the next suitable entry."""
    service = session.scalars(select(ServiceType).join(WaitlistEntry, WaitlistEntry.service_code == ServiceType.code)
                              .where(WaitlistEntry.id == offer.entry_id)).one()
    offer_freed(session, settings, service, offer.therapist_id, offer.start_at, now)


def expire_holds(session: Session, settings: BookingSettings) -> int:
    """The relay's periodic job: lapsed offers end, their entries wait again, their slots go to the next entry."""
    now = utcnow()
    stmt = select(WaitlistOffer).where(WaitlistOffer.status == "open", WaitlistOffer.hold_until <= now).order_by(
        WaitlistOffer.hold_until).limit(EXPIRY_BATCH)
    if _is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)  # several relay replicas share the work
    lapsed = list(session.scalars(stmt))
    for offer in lapsed:
        entry = session.get(WaitlistEntry, offer.entry_id)
        end_offer(session, offer, "expired")
        if entry is not None and entry.status == "offered":
            entry.status = "waiting"
        pass_on(session, settings, offer, now)
    return len(lapsed)
