"""One blueprint per resource."""
from billing.api.billable_items import blp as billable_items
from billing.api.credits import blp as credits
from billing.api.invoices import blp as invoices
from billing.api.payments import blp as payments

blueprints = [billable_items, invoices, payments, credits]
