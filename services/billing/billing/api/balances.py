"""/api/v1/invoices/balances: what each of a page of clients still owes (one call for a whole client list)."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from servicekit.auth import BILLER, FRONT_DESK, access
from servicekit.db import request_session

from billing import balances
from billing.schemas import BalanceOut, BalanceQuery

blp = Blueprint("balances", __name__, description="Client balances")


@blp.route("/invoices/balances", methods=["GET"])
@access(FRONT_DESK, BILLER)
@blp.arguments(BalanceQuery, location="query")
@blp.response(200, BalanceOut(many=True))
def list_balances(args):
    """The open invoice balance of each client named by `client_id` (repeatable, up to 200)."""
    currency = current_app.extensions["servicekit.settings"].currency
    return balances.balances(request_session(), [str(i) for i in args["client_id"]], currency)
