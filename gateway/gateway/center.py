"""The centre's details: one record the org_admin edits, published whole as `center.updated` to the services.

Seeded from the environment on first start (CENTER_NAME, CENTER_LOCALE), so nothing changes for a deployment
that never edits it. Every change takes the next `version`; consumers keep only a newer version than theirs.

The time zone stays a deployment setting (CENTER_TIMEZONE), shown but never changed here: working hours are
wall-clock times in that zone, so moving a running centre to another zone would move every working hour,
slot and reminder at once, and each service would pick the change up at a different moment.
"""
from __future__ import annotations

import base64
import hashlib
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.center import EVENT, ROW, TEXT_FIELDS  # one definition of the event, shared with its readers
from servicekit.db import Database, lock_for_update, utcnow
from servicekit.errors import NotFound, field_error
from servicekit.messaging import add_event

from gateway import images
from gateway.config import GatewaySettings
from gateway.models import Center

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr")
LOGO_MAX_BYTES = 256 * 1024  # it travels inside every center.updated event
LOGO_MAX_SIDE = 4000
NO_LOGO = "The centre has no logo."


def from_environment(settings: GatewaySettings) -> Center:
    """The record as the environment describes it (version 0: not stored yet)."""
    language = settings.center_language if settings.center_language in LANGUAGES else "en"
    return Center(id=ROW, version=0, name=settings.center_name, address="", phone="", email="", language=language,
                  registration_number="", vat_number="", logo=None, logo_type=None, logo_sha256=None,
                  updated_at=utcnow(), updated_by=None)


def current(session: Session, settings: GatewaySettings, *, for_update: bool = False) -> Center:
    """The stored record (locked when about to change it), else the environment's."""
    stmt = select(Center).where(Center.id == ROW)
    return session.scalars(lock_for_update(stmt) if for_update else stmt).first() or from_environment(settings)


def logo_url(center: Center, settings: GatewaySettings) -> str | None:
    """Where anyone may fetch the logo; the fingerprint in the query changes with the image."""
    if not center.logo_sha256:
        return None
    return f"{settings.public_base_url}/api/v1/center/logo?v={center.logo_sha256[:16]}"


def public(center: Center, settings: GatewaySettings) -> dict[str, Any]:
    """What anyone may read: the details, the deployment's time zone and the logo's address."""
    return {**{field: getattr(center, field) for field in TEXT_FIELDS}, "timezone": settings.center_timezone,
            "logo_url": logo_url(center, settings), "version": center.version, "updated_at": center.updated_at}


def payload(center: Center, settings: GatewaySettings) -> dict[str, Any]:
    """The `center.updated` event data: the whole record, the logo's bytes included (base64)."""
    logo = None
    if center.logo:
        logo = {"content_type": center.logo_type, "sha256": center.logo_sha256,
                "data": base64.b64encode(center.logo).decode("ascii")}
    return {"version": center.version, **{field: getattr(center, field) for field in TEXT_FIELDS},
            "timezone": settings.center_timezone, "logo": logo, "updated_at": center.updated_at.isoformat()}


def _publish(session: Session, center: Center, settings: GatewaySettings, principal: Principal | None) -> Center:
    """Store the change under the next version and stage its event in the same transaction."""
    center.version += 1
    center.updated_at, center.updated_by = utcnow(), principal.user_id if principal else None
    session.add(center)
    session.flush()
    add_event(session, EVENT, payload(center, settings))
    return center


def update(session: Session, changes: dict[str, Any], principal: Principal, settings: GatewaySettings) -> Center:
    """Replace the details (the time zone may be restated, never changed); publishes the new version."""
    zone = changes.get("timezone")
    if zone is not None and zone != settings.center_timezone:
        raise field_error("timezone", "The time zone is a deployment setting (CENTER_TIMEZONE) and cannot be "
                                      f"changed here; this centre runs on {settings.center_timezone}.")
    values = {field: (changes.get(field) or "").strip() for field in TEXT_FIELDS}  # a blank name: the schema
    values["language"] = values["language"] or "en"
    center = current(session, settings, for_update=True)
    for field, value in values.items():
        setattr(center, field, value)
    return _publish(session, center, settings, principal)


def checked_logo(data: bytes) -> images.Image:
    """The uploaded logo's type and size, or a 422 saying what is wrong with it."""
    if not data:
        raise field_error("image", "The file is empty.")
    if len(data) > LOGO_MAX_BYTES:
        raise field_error("image", f"The image is larger than {LOGO_MAX_BYTES // 1024} KB.")
    found = images.identify(data)
    if found is None:
        raise field_error("image", "Only PNG or JPEG images are accepted.")
    if not (0 < found.width <= LOGO_MAX_SIDE and 0 < found.height <= LOGO_MAX_SIDE):
        raise field_error("image", f"The image must be at most {LOGO_MAX_SIDE} pixels wide and high.")
    return found


def set_logo(session: Session, data: bytes, principal: Principal, settings: GatewaySettings) -> Center:
    """Replace the logo by a checked PNG or JPEG; publishes the new version."""
    found = checked_logo(data)
    center = current(session, settings, for_update=True)
    center.logo, center.logo_type = data, found.content_type
    center.logo_sha256 = hashlib.sha256(data).hexdigest()
    return _publish(session, center, settings, principal)


def remove_logo(session: Session, principal: Principal, settings: GatewaySettings) -> Center:
    """Documents go back to printing the name alone; publishes the new version."""
    center = current(session, settings, for_update=True)
    if center.logo_sha256 is None:
        raise NotFound(NO_LOGO)
    center.logo = center.logo_type = center.logo_sha256 = None
    return _publish(session, center, settings, principal)


def stored_logo(session: Session) -> tuple[bytes, str, str]:
    """The logo's bytes, type and fingerprint, or a 404."""
    row = session.execute(select(Center.logo, Center.logo_type, Center.logo_sha256).where(Center.id == ROW)).first()
    if row is None or row.logo is None:
        raise NotFound(NO_LOGO)
    return row.logo, row.logo_type, row.logo_sha256


def ensure_center(settings: GatewaySettings, db: Database | None = None) -> bool:
    """Store the record from the environment unless it exists (never overwritten); not announced.

    Every service already reads the same environment until the first change, and an event published now
    could find no queue to go to: migrations run before any consumer has declared its queue, so it would be
    routed nowhere (the reliability suite caught billing and notifications missing it).
    """
    database = db or Database(settings.database_url, settings.service, pool_size=1,
                              connect_timeout=settings.db_connect_timeout)
    try:
        with database.transaction() as session:
            if session.scalars(lock_for_update(select(Center.id).where(Center.id == ROW))).first() is not None:
                return False
            record = from_environment(settings)
            record.version = 1
            session.add(record)
        log.info("stored the centre's details from the environment (%s)", settings.center_name)
        return True
    finally:
        if db is None:
            database.dispose()
