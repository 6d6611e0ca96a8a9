"""/api/v1/invoices: issuing from billable items, reading, voiding, and the PDF."""
from __future__ import annotations

from flask import Response, current_app
from flask_smorest import Blueprint

from servicekit import center
from servicekit.auth import ANONYMOUS, BILLER, CLIENT, FRONT_DESK, PUBLIC, access, current_principal
from servicekit.db import request_session, unit_of_work, utcnow
from servicekit.errors import Unauthorized
from servicekit.idempotency import idempotent
from servicekit.pagination import paginate

from billing import invoicing, sharing
from billing.pdf import render_invoice
from billing.schemas import InvoiceIn, InvoiceOut, InvoiceQuery, LinkArgs, VoidIn, center_today

blp = Blueprint("invoices", __name__, description="Invoices")


def _settings():
    return current_app.extensions["servicekit.settings"]


@blp.route("/invoices", methods=["GET"])
@access(FRONT_DESK, BILLER, CLIENT)
@blp.arguments(InvoiceQuery, location="query")
@blp.response(200, InvoiceOut(many=True))
def list_invoices(args):
    stmt = invoicing.query(current_principal(), {**args, "today": center_today()})
    return paginate(request_session(), stmt, args["limit"], args["cursor"])


@blp.route("/invoices", methods=["POST"])
@idempotent
@access(FRONT_DESK, BILLER)
@blp.arguments(InvoiceIn)
@blp.response(201, InvoiceOut)
def issue_invoice(data):
    item_ids = [str(i) for i in data["billable_item_ids"]] if data["billable_item_ids"] else None
    with unit_of_work() as session:
        return invoicing.issue(session, current_principal(), str(data["client_id"]), item_ids, _settings(),
                               data["issued_on"])


@blp.route("/invoices/<uuid:invoice_id>", methods=["GET"])
@access(FRONT_DESK, BILLER, CLIENT)
@blp.response(200, InvoiceOut)
def get_invoice(invoice_id):
    return invoicing.get(request_session(), str(invoice_id), current_principal())


@blp.route("/invoices/<uuid:invoice_id>/pdf", methods=["GET"])
@access(PUBLIC)  # billing staff, the family, or this invoice's share link: checked in sharing.authorize_pdf
@blp.arguments(LinkArgs, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf",
              description="The invoice as a PDF document")
def invoice_pdf(args, invoice_id):
    session, principal = request_session(), current_principal()
    if not args["access_token"] and principal.is_anonymous:
        raise Unauthorized()
    invoice = invoicing.get(session, str(invoice_id), ANONYMOUS)  # who may read it: decided just below
    sharing.authorize_pdf(session, invoice, principal, args["access_token"], utcnow())
    document = invoicing.document(session, invoice, center.current(session, _settings()))
    # A family's invoice: never kept by a shared cache or the browser's (the link may be opened on a shared device).
    return Response(render_invoice(document), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{invoice.number}.pdf"',
                             "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"})


@blp.route("/invoices/<uuid:invoice_id>/void", methods=["POST"])
@access(BILLER)
@blp.arguments(VoidIn)
@blp.response(200, InvoiceOut)
def void_invoice(data, invoice_id):
    with unit_of_work() as session:
        return invoicing.void(session, str(invoice_id), current_principal(), data["reason"])
