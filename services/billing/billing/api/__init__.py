"""One blueprint per resource."""
from billing.api.balances import blp as balances
from billing.api.billable_items import blp as billable_items
from billing.api.credits import blp as credits
from billing.api.invoices import blp as invoices
from billing.api.payments import blp as payments

blueprints = [billable_items, balances, invoices, payments, credits]
