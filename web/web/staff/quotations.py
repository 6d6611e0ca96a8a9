"""Quotations: the list, one quotation (lines, totals, PDF preview, status, signature evidence) and sending it.

Drafting one starts from its opportunity (web.staff.opportunities), where the price list is.
"""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from web.access import DESK, nav_item, signed_in
from web.api import api
from web.forms import refusal_message
from web.documents import pdf_response
from web.gateway import Conflict
from web.render import page
from web.staff import bp
from web.labels import QUOTATION_STATUSES, labels
from web.staff.client_pages import fragment

nav_item("staff.quotations", _l("Quotations"), DESK, 45)

PAGE_SIZE = 25


@bp.get("/quotations")
@signed_in(*DESK)
def quotations():
    """Quotations, newest first, by status."""
    status = request.args.get("status") if request.args.get("status") in QUOTATION_STATUSES else None
    found = api().get("quotations", status=status, limit=PAGE_SIZE, cursor=request.args.get("cursor"))
    return page("staff/quotations/list.html", quotations=found, current=status,
                statuses=QUOTATION_STATUSES, next_cursor=getattr(found, "next_cursor", None), labels=labels)


@bp.get("/quotations/<uuid:quotation_id>")
@signed_in(*DESK)
def quotation(quotation_id):
    """One quotation: its lines and total, the PDF, its status and, once signed, the signature evidence."""
    return _quotation_page(str(quotation_id))


def _quotation_page(quotation_id: str, *, status: int = 200, **context: Any):
    client_api = api()
    found = client_api.get(f"quotations/{quotation_id}")
    evidence = client_api.get(f"quotations/{quotation_id}/signature") if found["status"] == "signed" else None
    context.setdefault("sent", None)
    context.setdefault("problem", None)
    return page("staff/quotations/quotation.html", block=fragment("quotation"), status=status, q=found,
                evidence=evidence, labels=labels, **context)


@bp.post("/quotations/<uuid:quotation_id>/send")
@signed_in(*DESK)
def send_quotation(quotation_id):
    """E-mail the quotation to the family (a fresh link each time) and show the link for the desk to pass on."""
    try:
        sent = api().post(f"quotations/{quotation_id}/send")
    except Conflict as exc:
        return _quotation_page(str(quotation_id), status=409, problem=refusal_message(exc))
    return _quotation_page(str(quotation_id), sent=sent)


@bp.get("/quotations/<uuid:quotation_id>/pdf")
@signed_in(*DESK)
def quotation_pdf(quotation_id):
    """The quotation's PDF as sales renders it, shown in the page's preview or downloaded."""
    return pdf_response(api().get(f"quotations/{quotation_id}/pdf"), f"quotation-{quotation_id}.pdf")
