"""Slots, calendars, planning, client availability and the wait list."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from servicekit.pagination import PageArgs

from booking.models import ENTRY_STATUSES, STATUSES
from booking.schemas.appointments import AppointmentOut
from booking.schemas.common import CenterDateTime, ChildIn, ChildOut, GuardianIn, GuardianOut, WeeklyIn

_ISO_WEEK = re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")


class SlotQuery(Schema):
    service_code = fields.String(required=True)
    first = fields.Date(data_key="from", required=True)
    last = fields.Date(data_key="to", required=True)
    therapist_id = fields.UUID(load_default=None)
    client_id = fields.UUID(load_default=None)


class SlotOut(Schema):
    start = fields.AwareDateTime()
    end = fields.AwareDateTime()
    therapist_id = fields.String()
    therapist_name = fields.String()


class CalendarQuery(Schema):
    view = fields.String(load_default="week", validate=validate.OneOf(("day", "week", "month")))
    date = fields.Date(load_default=None)
    therapist_id = fields.UUID(load_default=None)
    client_id = fields.UUID(load_default=None)
    service_code = fields.String(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    room_id = fields.UUID(load_default=None)


class CalendarOut(Schema):
    view = fields.String()
    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")
    timezone = fields.String()
    appointments = fields.List(fields.Nested(AppointmentOut))


class IsoWeek(fields.String):
    """An ISO 8601 week, "2026-W49"; loads as (year, week)."""

    default_error_messages = {"invalid": "Not an ISO week: use \"YYYY-Www\", e.g. \"2026-W49\"."}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> tuple[int, int]:
        match = _ISO_WEEK.match(value) if isinstance(value, str) else None
        if match is None:
            raise self.make_error("invalid")
        year, week = int(match.group(1)), int(match.group(2))
        try:
            dt.date.fromisocalendar(year, week, 1)
        except ValueError as exc:
            raise ValidationError(f"{year} has no week {week}.") from exc
        return year, week


class PlanningQuery(Schema):
    week = IsoWeek(load_default=None)
    therapist_id = fields.UUID(load_default=None)


class PlanningDayOut(Schema):
    date = fields.Date()
    available_hours = fields.Float()
    booked_hours = fields.Float()


class PlanningRowOut(Schema):
    therapist_id = fields.String()
    name = fields.String()
    week = fields.String()
    available_hours = fields.Float()
    booked_hours = fields.Float()
    sessions_per_service = fields.Dict(keys=fields.String(), values=fields.Integer())
    days = fields.List(fields.Nested(PlanningDayOut))


class WaitlistIn(Schema):
    service_code = fields.String(required=True)
    client = fields.Nested(ChildIn, required=True)
    guardian = fields.Nested(GuardianIn, required=True)
    client_id = fields.UUID(load_default=None, allow_none=True)
    therapist_id = fields.UUID(load_default=None, allow_none=True)
    windows = fields.List(fields.Nested(WeeklyIn), load_default=list, validate=validate.Length(max=21))


class WaitlistWindowOut(Schema):
    weekday = fields.Integer()
    start = fields.String()
    end = fields.String()


class OfferOut(Schema):
    id = fields.String()
    appointment_id = fields.String()
    therapist_id = fields.String()
    start = CenterDateTime(attribute="start_at")
    end = CenterDateTime(attribute="end_at")
    hold_until = CenterDateTime()


class WaitlistOut(Schema):
    id = fields.String()
    status = fields.String()
    service_code = fields.String()
    therapist_id = fields.String(allow_none=True)
    client_id = fields.String(allow_none=True)
    client = fields.Nested(ChildOut)
    guardian = fields.Nested(GuardianOut)
    windows = fields.List(fields.Nested(WaitlistWindowOut))
    source = fields.String()
    appointment_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    offer = fields.Nested(OfferOut, allow_none=True)


class WaitlistQuery(PageArgs):
    service_code = fields.String()
    therapist_id = fields.UUID()
    client_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(ENTRY_STATUSES))
