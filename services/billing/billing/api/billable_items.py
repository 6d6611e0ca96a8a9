"""/api/v1/billable-items: completed work and sold packages waiting to be invoiced."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import BILLER, FRONT_DESK, access
from servicekit.db import request_session
from servicekit.pagination import paginate

from billing import billables
from billing.schemas import BillableItemOut, BillableItemQuery

blp = Blueprint("billable_items", __name__, description="Billable items")


@blp.route("/billable-items", methods=["GET"])
@access(FRONT_DESK, BILLER)
@blp.arguments(BillableItemQuery, location="query")
@blp.response(200, BillableItemOut(many=True))
def list_billable_items(args):
    return paginate(request_session(), billables.query(args), args["limit"], args["cursor"])
