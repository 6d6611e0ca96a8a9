"""marshmallow schemas: what the sales API accepts and returns."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from servicekit.money import Money
from servicekit.pagination import PageArgs

from sales.models import KINDS, STATUSES

MAX_SIGNATURE_CHARS = 200_000


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def Text(max_length: int, **kwargs) -> fields.String:  # noqa: N802 - reads like a field type
    return fields.String(validate=[validate.Length(min=1, max=max_length), _not_blank], **kwargs)


# --- price list ----------------------------------------------------------------------------------

class PriceItemIn(Schema):
    service_code = Text(20, required=True)
    service_name = Text(100, required=True)
    name = Text(100, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    sessions = fields.Integer(load_default=None, validate=validate.Range(min=1, max=500))
    unit_price = Money(required=True)

    @validates_schema
    def _sessions_fit_kind(self, data, **kwargs) -> None:
        if data.get("kind") == "single" and data.get("sessions") not in (None, 1):
            raise ValidationError("A single-session price covers exactly 1 session.", "sessions")
        if data.get("kind") == "package" and data.get("sessions") is None:
            raise ValidationError("A package needs its number of sessions.", "sessions")


class PriceItemPatch(Schema):
    unit_price = Money()
    active = fields.Boolean()
    name = Text(100)


class PriceItemOut(Schema):
    id = fields.String()
    service_code = fields.String()
    service_name = fields.String()
    name = fields.String()
    kind = fields.String()
    sessions = fields.Integer()
    unit_price = Money(attribute="unit_price_minor")
    currency = fields.String()
    active = fields.Boolean()


class PriceListQuery(PageArgs):
    service_code = fields.String()
    kind = fields.String(validate=validate.OneOf(KINDS))
    active = fields.Boolean()


# --- quotations ----------------------------------------------------------------------------------

class LineIn(Schema):
    service_code = Text(20, required=True)
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=100))
    price_item_id = fields.UUID(load_default=None, allow_none=True)


class QuotationIn(Schema):
    opportunity_id = fields.UUID(required=True)
    lines = fields.List(fields.Nested(LineIn), required=True, validate=validate.Length(min=1, max=50))


class LineOut(Schema):
    id = fields.String()
    service_code = fields.String()
    service_name = fields.String()
    description = fields.String()
    kind = fields.String()
    quantity = fields.Integer()
    unit_price = Money(attribute="unit_price_minor")
    sessions = fields.Integer()
    amount = Money(attribute="amount_minor")


class QuotationOut(Schema):
    id = fields.String()
    number = fields.String()
    status = fields.String()
    opportunity_id = fields.String()
    client_id = fields.String()
    client_name = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(LineOut))
    total = Money(attribute="total_minor")
    currency = fields.String()
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
    expires_at = fields.AwareDateTime(allow_none=True)
    document_sha256 = fields.String(allow_none=True)
    signed_at = fields.AwareDateTime(allow_none=True)
    signer_name = fields.String(allow_none=True)
    declined_at = fields.AwareDateTime(allow_none=True)
    decline_reason = fields.String(allow_none=True)
    recipient_name = fields.String(allow_none=True)
    recipient_email = fields.String(allow_none=True)


class SentOut(QuotationOut):
    share_url = fields.String()


class SignatureOut(Schema):
    id = fields.String()
    number = fields.String()
    status = fields.String()
    signed_at = fields.AwareDateTime()
    signer_name = fields.String()
    document_sha256 = fields.String()


class SignatureEvidenceOut(Schema):
    id = fields.String()
    number = fields.String()
    signer_name = fields.String()
    signed_at = fields.AwareDateTime()
    signer_ip = fields.String(allow_none=True)
    signer_user_agent = fields.String(allow_none=True)
    signed_document_sha256 = fields.String(allow_none=True)


class QuotationQuery(PageArgs):
    opportunity_id = fields.UUID()
    client_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(STATUSES))


class LinkArgs(Schema):
    access_token = fields.String(load_default=None, validate=validate.Length(max=200))


class SignIn(Schema):
    signer_name = Text(200, required=True)
    signature = Text(MAX_SIGNATURE_CHARS, required=True)


class DeclineIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
