"""marshmallow schemas: what the billing API accepts and returns."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app
from marshmallow import Schema, fields, validate

from servicekit.db import utcnow
from servicekit.money import Money
from servicekit.pagination import PageArgs

from billing import dating
from billing.models import INVOICE_STATUSES, ITEM_STATUSES, PAYMENT_METHODS


def center_today() -> dt.date:
    """Today at the centre, for whether an invoice is overdue."""
    settings = current_app.extensions["servicekit.settings"]
    return dating.center_today(ZoneInfo(settings.center_timezone), utcnow())


class BillableItemOut(Schema):
    id = fields.String()
    client_id = fields.String()
    client_name = fields.Function(lambda item: item.client_ref.name if item.client_ref else "")
    source = fields.String()
    service_code = fields.String(allow_none=True)
    description = fields.String()
    quantity = fields.Integer()
    unit_price = Money(attribute="unit_price_minor")
    amount = Money(attribute="amount_minor")
    currency = fields.String()
    status = fields.String()
    task_id = fields.String(allow_none=True)
    quotation_id = fields.String(allow_none=True)
    invoice_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class BillableItemQuery(PageArgs):
    client_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(ITEM_STATUSES))


class InvoiceIn(Schema):
    client_id = fields.UUID(required=True)
    billable_item_ids = fields.List(fields.UUID(), load_default=None, validate=validate.Length(min=1, max=200))
    issued_on = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "The invoice's date, default today; an earlier one (billing staff) records an invoice "
                       "issued outside the system, on or after the latest invoice's date"})


class InvoiceLineOut(Schema):
    id = fields.String()
    billable_item_id = fields.String()
    description = fields.String()
    quantity = fields.Integer()
    unit_price = Money(attribute="unit_price_minor")
    amount = Money(attribute="amount_minor")


class PaymentOut(Schema):
    id = fields.String()
    invoice_id = fields.String()
    invoice_number = fields.Function(lambda p: p.invoice.number)
    client_id = fields.Function(lambda p: p.invoice.client_id)
    amount = Money(attribute="amount_minor")
    currency = fields.Function(lambda p: p.invoice.currency)
    method = fields.String()
    reference = fields.String(allow_none=True)
    received_at = fields.AwareDateTime()


class InvoiceOut(Schema):
    id = fields.String()
    number = fields.String()
    status = fields.String()
    client_id = fields.String()
    client_name = fields.String()
    lines = fields.List(fields.Nested(InvoiceLineOut))
    total = Money(attribute="total_minor")
    paid = Money(attribute="paid_minor")
    balance = Money(attribute="balance_minor")
    currency = fields.String()
    issued_at = fields.AwareDateTime()
    due_on = fields.Date(allow_none=True)
    overdue = fields.Function(lambda invoice: dating.is_overdue(invoice.status, invoice.due_on, center_today()))
    paid_at = fields.AwareDateTime(allow_none=True)
    voided_at = fields.AwareDateTime(allow_none=True)
    void_reason = fields.String(allow_none=True)
    payments = fields.List(fields.Nested(PaymentOut))


class InvoiceQuery(PageArgs):
    client_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(INVOICE_STATUSES))
    has_balance = fields.Boolean()  # true: money still owed (issued or partially paid); false: nothing owed
    overdue = fields.Boolean()  # true: still owed after the due date; false: everything else


class LinkArgs(Schema):
    access_token = fields.String(load_default=None, validate=validate.Length(max=200))


class VoidIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class PaymentIn(Schema):
    amount = Money(required=True, positive=True)
    method = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class PaymentQuery(PageArgs):
    invoice_id = fields.UUID()
    client_id = fields.UUID()


class CreditOut(Schema):
    id = fields.String()
    client_id = fields.String()
    quotation_id = fields.String()
    quotation_line_id = fields.String()
    service_code = fields.String(allow_none=True)
    sessions_total = fields.Integer()
    sessions_used = fields.Integer()
    sessions_left = fields.Integer()
    created_at = fields.AwareDateTime()


class CreditQuery(PageArgs):
    client_id = fields.UUID()


class BalanceQuery(Schema):
    client_id = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=200))


class BalanceOut(Schema):
    client_id = fields.String()
    balance = Money(attribute="balance_minor")
    currency = fields.String()
    open_invoices = fields.Integer()
