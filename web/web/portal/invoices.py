"""The family's invoices: each child's invoices with what is still owed, the PDF, and the payments received.

The billing API lists a family's own invoices only, asked per child (the children its account holds, from
`GET /users/me`); the PDF comes through here, so the family never needs the e-mail's link.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import render_template

from web.access import signed_in
from web.api import api
from web.documents import pdf_response
from web.labels import INVOICE_STATUSES, PAYMENT_METHODS
from web.portal import bp


def still_owed(invoices: list[dict[str, Any]]) -> dict[str, Decimal]:
    """What the family still owes, per currency (void invoices owe nothing)."""
    owed: dict[str, Decimal] = {}
    for invoice in invoices:
        if invoice["status"] != "void" and Decimal(invoice["balance"]) > 0:
            owed[invoice["currency"]] = owed.get(invoice["currency"], Decimal("0")) + Decimal(invoice["balance"])
    return owed


@bp.get("/invoices")
@signed_in("client")
def invoices():
    """Every invoice of the family's children, newest first, with the balance still due."""
    client = api()
    children = client.get("users/me").get("client_ids") or []
    found = client.parallel(**{child: (lambda child=child: client.get("invoices", client_id=child, limit=200))
                               for child in children})
    rows = sorted((i for child in children for i in found[child]), key=lambda i: i["issued_at"], reverse=True)
    return render_template("portal/invoices.html", invoices=rows, owed=still_owed(rows), statuses=INVOICE_STATUSES,
                           methods=PAYMENT_METHODS)


@bp.get("/invoices/<uuid:invoice_id>/pdf")
@signed_in("client")
def invoice_pdf(invoice_id):
    """The invoice as PDF (billing refuses another family's)."""
    return pdf_response(api().get(f"invoices/{invoice_id}/pdf"), f"invoice-{invoice_id}.pdf")
