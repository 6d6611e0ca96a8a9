"""Service types and their rules, therapists and their hours, time off, rooms and closures."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.fields import Email, Name
from servicekit.pagination import PageArgs

from booking.schemas.common import CenterDateTime, SpanIn, WeeklyIn, WeeklyOut

_ROOM_TYPE = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,39}$",
                             error="1 to 40 lower-case letters, digits, '-' or '_', e.g. \"sensory-gym\".")


def _minutes(maximum: int) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=0, max=maximum))


class ServiceRulesIn(Schema):
    """The booking rules of a service type; every one is optional (defaults in the README)."""

    buffer_before_minutes = _minutes(240)
    buffer_after_minutes = _minutes(240)
    min_notice_minutes = _minutes(60 * 24 * 60)
    horizon_days = fields.Integer(validate=validate.Range(min=1, max=730))
    granularity_minutes = fields.Integer(allow_none=True, validate=validate.Range(min=5, max=480))
    late_cancel_hours = fields.Integer(validate=validate.Range(min=0, max=24 * 14))
    room_type = fields.String(allow_none=True, validate=_ROOM_TYPE)


class ServiceTypeIn(ServiceRulesIn):
    code = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Z0-9]{2,10}$", error="2 to 10 upper-case letters or digits, e.g. \"OT\"."))
    name = Name()
    duration_minutes = fields.Integer(required=True, validate=validate.Range(min=5, max=480))


class ServiceTypePatch(ServiceRulesIn):
    name = fields.String(validate=validate.Length(min=1, max=100))
    duration_minutes = fields.Integer(validate=validate.Range(min=5, max=480))


class ServiceTypeOut(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    duration_minutes = fields.Integer()
    buffer_before_minutes = fields.Integer()
    buffer_after_minutes = fields.Integer()
    min_notice_minutes = fields.Integer()
    horizon_days = fields.Integer()
    granularity_minutes = fields.Integer(allow_none=True)  # null: every duration_minutes
    late_cancel_hours = fields.Integer()
    room_type = fields.String(allow_none=True)


class WeekIn(Schema):
    working_hours = fields.List(fields.Nested(WeeklyIn), required=True)


class TherapistIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    email = Email(load_default=None, allow_none=True)
    service_codes = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    working_hours = fields.List(fields.Nested(WeeklyIn), load_default=list)


class TherapistOut(Schema):
    id = fields.String()
    name = fields.String()
    service_codes = fields.List(fields.String())


class TherapistDetailOut(TherapistOut):
    working_hours = fields.List(fields.Nested(WeeklyOut))


class CalendarTokenOut(Schema):
    therapist_id = fields.String()
    token = fields.String()
    url = fields.String()


class TimeOffIn(SpanIn):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class TimeOffOut(Schema):
    id = fields.String()
    therapist_id = fields.String()
    start = CenterDateTime(attribute="start_at")
    end = CenterDateTime(attribute="end_at")
    reason = fields.String(allow_none=True)
    clashing_appointment_ids = fields.List(fields.String())


class SinceQuery(PageArgs):
    since = fields.Date(data_key="from", load_default=None)


class ClosureIn(SpanIn):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ClosureOut(Schema):
    id = fields.String()
    start = CenterDateTime(attribute="start_at")
    end = CenterDateTime(attribute="end_at")
    reason = fields.String()
    clashing_appointment_ids = fields.List(fields.String())


class RoomIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    room_type = fields.String(required=True, validate=_ROOM_TYPE)


class RoomOut(Schema):
    id = fields.String()
    name = fields.String()
    room_type = fields.String()


class RoomQuery(PageArgs):
    room_type = fields.String()
