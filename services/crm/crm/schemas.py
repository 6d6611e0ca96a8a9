"""marshmallow schemas: what the CRM API accepts and returns."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.fields import Email, Name
from servicekit.pagination import PageArgs

from crm.models import CLIENT_STATUSES, STAGES




class ContactIn(Schema):
    first_name = Name()
    last_name = Name()
    email = Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class ContactOut(Schema):
    id = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class ClientIn(Schema):
    first_name = Name()
    last_name = Name()
    birth_date = fields.Date(load_default=None, allow_none=True)
    guardians = fields.List(fields.Nested(ContactIn), required=True, validate=validate.Length(min=1))


class ClientPatch(Schema):
    first_name = Name(required=False)
    last_name = Name(required=False)
    birth_date = fields.Date(allow_none=True)
    status = fields.String(validate=validate.OneOf(CLIENT_STATUSES))


class ClientOut(Schema):
    id = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    birth_date = fields.Date(allow_none=True)
    status = fields.String()
    guardians = fields.List(fields.Nested(ContactOut))
    created_at = fields.AwareDateTime()


class ClientQuery(PageArgs):
    q = fields.String(validate=validate.Length(max=100), metadata={
        "description": "Part of the client's name, or of a guardian's name, e-mail or phone number"})
    status = fields.String(validate=validate.OneOf(CLIENT_STATUSES))
    guardian_email = Email()


class ActivityOut(Schema):
    id = fields.String()
    kind = fields.String()
    summary = fields.String()
    opportunity_id = fields.String(allow_none=True)
    occurred_at = fields.AwareDateTime()


class OpportunityOut(Schema):
    id = fields.String()
    stage = fields.String()
    client_id = fields.String()
    client_name = fields.Function(lambda o: o.client.full_name)
    contact_id = fields.String(allow_none=True)
    appointment_id = fields.String(allow_none=True)
    series_id = fields.String(allow_none=True)  # opened by the first session of a weekly series
    service_code = fields.String(allow_none=True)
    therapist_id = fields.String(allow_none=True)
    appointment_start = fields.AwareDateTime(allow_none=True)
    source = fields.String()
    quotation_id = fields.String(allow_none=True)
    lost_reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class OpportunityQuery(PageArgs):
    appointment_id = fields.UUID()
    client_id = fields.UUID()
    stage = fields.String(validate=validate.OneOf(STAGES))


class LostIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))
