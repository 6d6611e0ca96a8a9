"""Service types: the kinds of session the center offers, how long each lasts and the rules for booking it."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit.errors import Conflict, field_error, not_found

from booking import slots
from booking.models import ServiceType

# Settable on create and by PATCH; each has a default on the model (see README "Scheduling rules").
RULE_FIELDS = ("buffer_before_minutes", "buffer_after_minutes", "min_notice_minutes", "horizon_days",
               "granularity_minutes", "late_cancel_hours", "room_type")


def list_service_types() -> Select:
    """Active service types by code."""
    return select(ServiceType).where(ServiceType.active.is_(True)).order_by(ServiceType.code)


def create_service_type(session: Session, data: dict[str, Any]) -> ServiceType:
    """A new service type; its code must be new (the unique index settles a race as a 409 too)."""
    if session.scalar(select(ServiceType.id).where(ServiceType.code == data["code"])):
        raise Conflict(f"A service type with code {data['code']} already exists.")
    service = ServiceType(code=data["code"], name=data["name"].strip(), duration_minutes=data["duration_minutes"],
                          **{k: data[k] for k in RULE_FIELDS if data.get(k) is not None})
    session.add(service)
    session.flush()
    return service


def get_service_type(session: Session, service_id: str, *, lock: bool = False) -> ServiceType:
    """The service type by id (locked on request), else a 404."""
    stmt = select(ServiceType).where(ServiceType.id == service_id)
    found = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if found is None:
        raise not_found("Service type", service_id)
    return found


def update_service_type(session: Session, service: ServiceType, changes: dict[str, Any]) -> ServiceType:
    """Change the name, duration or booking rules; booked appointments keep their times and buffers."""
    for key, value in changes.items():
        setattr(service, key, value.strip() if key == "name" else value)
    session.flush()
    return service


def service_type(session: Session, code: str, field: str = "service_code") -> ServiceType:
    """The active service type with `code`, else a 422 naming `field`."""
    found = session.scalars(select(ServiceType).where(ServiceType.code == code,
                                                      ServiceType.active.is_(True))).first()
    if found is None:
        raise field_error(field, f"unknown service type '{code}'")
    return found


def rules_for(service: ServiceType, now: dt.datetime) -> slots.Rules:
    """The slot search's view of the service's booking rules at `now`."""
    return slots.Rules(
        minutes=service.duration_minutes, step=service.step_minutes, before=service.buffer_before_minutes,
        after=service.buffer_after_minutes, earliest=now + dt.timedelta(minutes=service.min_notice_minutes),
        latest=now + dt.timedelta(days=service.horizon_days))


def describe_minutes(minutes: int) -> str:
    """"90 minutes", "24 hours", "2 days": how people say a notice period."""
    if minutes % 1440 == 0 and minutes >= 1440:
        return f"{minutes // 1440} day{'s' if minutes > 1440 else ''}"
    if minutes % 60 == 0 and minutes >= 60:
        return f"{minutes // 60} hour{'s' if minutes > 60 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
