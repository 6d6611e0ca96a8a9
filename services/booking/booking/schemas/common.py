"""Field types and small schemas every booking resource uses."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from servicekit.fields import Email, Name

from booking.config import center_zone

_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")



class HourMinute(fields.String):
    """A local time of day as "HH:MM"."""

    default_error_messages = {"invalid": "Not a time of day: use \"HH:MM\" (00:00 to 23:59)."}

    def _serialize(self, value: dt.time | None, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.strftime("%H:%M")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.time:
        if not isinstance(value, str) or not _HH_MM.match(value):
            raise self.make_error("invalid")
        return dt.time.fromisoformat(value)


class CenterDateTime(fields.AwareDateTime):
    """Dumped with the center's offset, the way families and staff read times."""

    def _serialize(self, value: dt.datetime | None, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else super()._serialize(value.astimezone(center_zone()), attr, obj, **kwargs)


class WeeklyIn(Schema):
    """One weekly interval in center-local time: weekday 0 (Monday) to 6, "HH:MM" to "HH:MM"."""

    weekday = fields.Integer(required=True, validate=validate.Range(min=0, max=6))
    start = HourMinute(required=True)
    end = HourMinute(required=True)

    @validates_schema
    def _start_before_end(self, data: dict[str, Any], **_: Any) -> None:
        if data["end"] <= data["start"]:
            raise ValidationError("must be after start", "end")


class WeeklyOut(Schema):
    weekday = fields.Integer()
    start = HourMinute(attribute="start_time")
    end = HourMinute(attribute="end_time")


class ChildIn(Schema):
    first_name = Name()
    last_name = Name()
    birth_date = fields.Date(load_default=None, allow_none=True)


class GuardianIn(Schema):
    first_name = Name()
    last_name = Name()
    email = Email(required=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class ChildOut(Schema):
    first_name = fields.String()
    last_name = fields.String()
    birth_date = fields.Date(allow_none=True)


class GuardianOut(Schema):
    first_name = fields.String()
    last_name = fields.String()
    email = fields.String()
    phone = fields.String(allow_none=True)


class SpanIn(Schema):
    """A whole local `date`, or a `start`/`end` span (RFC 3339 with offset)."""

    date = fields.Date(load_default=None)
    start = fields.AwareDateTime(load_default=None)
    end = fields.AwareDateTime(load_default=None)

    @validates_schema
    def _date_or_span(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("date") and (data.get("start") or data.get("end")):
            raise ValidationError("give either 'date' or 'start' and 'end', not both", "date")
        if not data.get("date") and not (data.get("start") and data.get("end")):
            raise ValidationError("give either 'date' or both 'start' and 'end'", "start")


class TokenArgs(Schema):
    token = fields.String(load_default=None, validate=validate.Length(max=200))
