"""Appointments: booking, reading, status changes, rescheduling, history and recurring series."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from servicekit.pagination import PageArgs

from booking.models import STATUSES
from booking.schemas.common import CenterDateTime, ChildIn, ChildOut, GuardianIn, GuardianOut


def _reason(required: bool = False) -> fields.String:
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=1000))
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=1000))


class AppointmentIn(Schema):
    service_code = fields.String(required=True)
    start = fields.AwareDateTime(required=True)
    therapist_id = fields.UUID(load_default=None, allow_none=True)
    client = fields.Nested(ChildIn, required=True)
    guardian = fields.Nested(GuardianIn, required=True)
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    client_id = fields.UUID(load_default=None, allow_none=True)
    room_id = fields.UUID(load_default=None, allow_none=True)
    override_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=1000))


class OverrideOut(Schema):
    reason = fields.String()
    by = fields.String(allow_none=True)
    by_name = fields.String(allow_none=True)


class AppointmentOut(Schema):
    id = fields.String()
    status = fields.String()
    service_code = fields.String()
    start = CenterDateTime(attribute="start_at")
    end = CenterDateTime(attribute="end_at")
    therapist_id = fields.String()
    therapist_name = fields.String()
    client = fields.Nested(ChildOut)
    guardian = fields.Nested(GuardianOut)
    client_id = fields.String(allow_none=True)
    source = fields.String()
    notes = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    room_id = fields.String(allow_none=True)
    series_id = fields.String(allow_none=True)
    late_cancellation = fields.Boolean()
    override = fields.Nested(OverrideOut, allow_none=True)


class AppointmentQuery(PageArgs):
    therapist_id = fields.UUID()
    client_id = fields.UUID()
    series_id = fields.UUID()
    service_code = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")


class CancelIn(Schema):
    """Staff must give a reason; a guardian may."""

    reason = _reason()


class ReasonIn(Schema):
    reason = _reason(required=True)


class RescheduleIn(Schema):
    start = fields.AwareDateTime(required=True)
    therapist_id = fields.UUID(load_default=None, allow_none=True)
    reason = _reason()
    override_reason = _reason()


class HistoryOut(Schema):
    id = fields.String()
    at = fields.AwareDateTime()
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    old_start = CenterDateTime(allow_none=True)
    new_start = CenterDateTime(allow_none=True)
    old_therapist_id = fields.String(allow_none=True)
    new_therapist_id = fields.String(allow_none=True)
    actor = fields.String()
    actor_id = fields.String(allow_none=True)
    actor_name = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class SeriesIn(Schema):
    service_code = fields.String(required=True)
    therapist_id = fields.UUID(required=True)
    start = fields.AwareDateTime(required=True)
    every_weeks = fields.Integer(load_default=1, validate=validate.Range(min=1, max=8))
    count = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=52))
    until = fields.Date(load_default=None, allow_none=True)
    client = fields.Nested(ChildIn, required=True)
    guardian = fields.Nested(GuardianIn, required=True)
    client_id = fields.UUID(load_default=None, allow_none=True)
    room_id = fields.UUID(load_default=None, allow_none=True)
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))

    @validates_schema
    def _count_or_until(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("count") is None) == (data.get("until") is None):
            raise ValidationError("give either 'count' or 'until'", "count")
        if data.get("until") and data.get("start") and data["until"] < data["start"].date():
            raise ValidationError("must not be before the first session", "until")


class SeriesConflictOut(Schema):
    appointment_id = fields.String()
    start = fields.String()
    reason = fields.String()


class SeriesOut(Schema):
    id = fields.String()
    booked = fields.List(fields.Nested(AppointmentOut))
    conflicts = fields.List(fields.Nested(SeriesConflictOut))


class SeriesDetailOut(Schema):
    id = fields.String()
    service_code = fields.String()
    therapist_id = fields.String()
    client_id = fields.String(allow_none=True)
    every_weeks = fields.Integer()
    count = fields.Integer(allow_none=True)
    until = fields.Date(allow_none=True)
    appointments = fields.List(fields.Nested(AppointmentOut))


class FollowingCancelIn(Schema):
    from_appointment_id = fields.UUID(required=True)
    reason = _reason(required=True)


class FollowingRescheduleIn(Schema):
    from_appointment_id = fields.UUID(required=True)
    start = fields.AwareDateTime(required=True)
    reason = _reason()


class CancelledOut(Schema):
    id = fields.String()
    cancelled = fields.List(fields.Nested(AppointmentOut))


class RescheduledOut(Schema):
    id = fields.String()
    rescheduled = fields.List(fields.Nested(AppointmentOut))
    conflicts = fields.List(fields.Nested(SeriesConflictOut))
