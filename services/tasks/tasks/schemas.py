"""marshmallow schemas: what the tasks API accepts and returns, and the quotation.signed payload it reads."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from servicekit.money import Money
from servicekit.pagination import PageArgs

from tasks.models import KINDS, MAX_MINUTES, MAX_NOTE, STATUSES
from tasks.workflow import TARGET_STATUSES, next_statuses


class ProjectOut(Schema):
    id = fields.String()
    service_code = fields.String()
    name = fields.String()
    open_tasks = fields.Integer()


class TaskOut(Schema):
    id = fields.String()
    project = fields.Function(lambda t: t.project.name)
    project_id = fields.String()
    status = fields.String()
    client_id = fields.String()
    client_name = fields.String()
    service_code = fields.String()
    title = fields.String()
    kind = fields.String()
    quantity = fields.Integer()
    sessions = fields.Integer()
    quotation_id = fields.String()
    quotation_line_id = fields.String()
    therapist_id = fields.String(allow_none=True)
    minutes_logged = fields.Integer()
    created_at = fields.AwareDateTime()
    assigned_at = fields.AwareDateTime(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True)
    # Where the task may go now: screens offer these instead of copying the transition table.
    next_statuses = fields.Function(lambda t: next_statuses(t.status, t.therapist_id is not None))


class TaskQuery(PageArgs):
    quotation_id = fields.UUID()
    client_id = fields.UUID()
    therapist_id = fields.UUID()
    project_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(STATUSES))


class AssignIn(Schema):
    therapist_id = fields.UUID(required=True)


class StatusIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(TARGET_STATUSES))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class TimesheetIn(Schema):
    minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_MINUTES))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_NOTE))
    work_date = fields.Date(load_default=None, allow_none=True)


class TimesheetOut(Schema):
    id = fields.String()
    task_id = fields.String()
    therapist_id = fields.String()
    minutes = fields.Integer()
    note = fields.String(allow_none=True)
    work_date = fields.Date()
    logged_at = fields.AwareDateTime()


class TimesheetQuery(PageArgs):
    therapist_id = fields.UUID()
    from_ = fields.Date(data_key="from")
    to = fields.Date()

    @validates_schema
    def _range(self, data, **_kwargs):
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("Must not be before 'from'.", field_name="to")


class SignedLine(Schema):
    """One line of `quotation.signed` (unknown fields are ignored: producers may add, never remove)."""

    class Meta:
        unknown = EXCLUDE

    line_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    service_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    service_name = fields.String(load_default=None, allow_none=True)
    description = fields.String(load_default=None, allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    quantity = fields.Integer(required=True, validate=validate.Range(min=1))
    unit_price = Money(required=True)
    sessions = fields.Integer(required=True, validate=validate.Range(min=1))


class QuotationSigned(Schema):
    """The part of `quotation.signed` the tasks service relies on."""

    class Meta:
        unknown = EXCLUDE

    quotation_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    client_name = fields.String(load_default="", allow_none=True)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    lines = fields.List(fields.Nested(SignedLine), required=True)
