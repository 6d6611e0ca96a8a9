"""Billing: billable items, package credits, invoices with gap-free numbers, payments and receipts."""
