"""marshmallow schemas: what the notifications API accepts and returns."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from servicekit.fields import Email
from servicekit.pagination import PageArgs

from notifications import personal_links
from notifications.config import CHANNELS, MAX_LEAD_HOURS, MIN_LEAD_HOURS
from notifications.models import KINDS, STATUSES


class NotificationOut(Schema):
    id = fields.String()
    kind = fields.String()
    channel = fields.String()
    recipient = fields.String()
    recipient_name = fields.String()
    client_id = fields.String(allow_none=True)
    appointment_id = fields.String(allow_none=True)
    subject = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    event_id = fields.String()


class NotificationDetail(NotificationOut):
    body_text = fields.Function(lambda notification: personal_links.shown(notification.body_text))  # what was
    # sent, minus the links that act for the recipient
    event_type = fields.String()
    next_attempt_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    provider_answer = fields.String(allow_none=True)
    attachment_name = fields.String(allow_none=True)
    fallback_of = fields.String(allow_none=True)


class NotificationQuery(PageArgs):
    client_id = fields.UUID()
    appointment_id = fields.UUID()
    kind = fields.String(validate=validate.OneOf(KINDS))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    status = fields.String(validate=validate.OneOf(STATUSES))
    recipient = fields.String(validate=validate.Length(min=1, max=254))  # part of the address or name
    from_ = fields.Date(data_key="from")
    to = fields.Date()

    @validates_schema
    def _range(self, data, **_kwargs) -> None:
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("Must not be before 'from'.", field_name="to")


class ReminderSettingsIn(Schema):
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                           validate=validate.Length(min=1, max=2))
    lead_hours = fields.Integer(required=True, allow_none=True,
                                validate=validate.Range(min=MIN_LEAD_HOURS, max=MAX_LEAD_HOURS))
    email = Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    timezone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    opt_out = fields.Boolean(load_default=False)


class ReminderSettingsOut(Schema):
    client_id = fields.String()
    channels = fields.List(fields.String())
    lead_hours = fields.Integer(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    timezone = fields.String(allow_none=True)
    opt_out = fields.Boolean()
    is_default = fields.Boolean()
    updated_at = fields.AwareDateTime(allow_none=True)


class TemplateIn(Schema):
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    sms_text = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=2000))


class TemplateOut(Schema):
    kind = fields.String()
    subject = fields.String()
    body = fields.String()
    sms_text = fields.String(allow_none=True)
    placeholders = fields.List(fields.String())
    updated_at = fields.AwareDateTime(allow_none=True)
    updated_by = fields.String(allow_none=True)
