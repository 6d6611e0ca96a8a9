"""/api/v1/payments and /api/v1/invoices/{id}/payments: money received, partial or final."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import BILLER, CLIENT, FRONT_DESK, access, current_principal
from servicekit.db import request_session, unit_of_work
from servicekit.idempotency import idempotent
from servicekit.pagination import paginate

from billing import payments
from billing.schemas import InvoiceOut, PaymentIn, PaymentOut, PaymentQuery

blp = Blueprint("payments", __name__, description="Payments")


@blp.route("/invoices/<uuid:invoice_id>/payments", methods=["POST"])
@idempotent
@access(FRONT_DESK, BILLER)
@blp.arguments(PaymentIn)
@blp.response(201, InvoiceOut)
def record_payment(data, invoice_id):
    with unit_of_work() as session:
        return payments.record(session, str(invoice_id), current_principal(), data)


@blp.route("/payments", methods=["GET"])
@access(FRONT_DESK, BILLER, CLIENT)
@blp.arguments(PaymentQuery, location="query")
@blp.response(200, PaymentOut(many=True))
def list_payments(args):
    stmt = payments.query(current_principal(), args)
    return paginate(request_session(), stmt, args["limit"], args["cursor"])
