"""/api/v1/credits: prepaid package sessions and how many are left."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import BILLER, CLIENT, FRONT_DESK, access, current_principal
from servicekit.db import request_session
from servicekit.pagination import paginate

from billing import credits
from billing.schemas import CreditOut, CreditQuery

blp = Blueprint("credits", __name__, description="Package credits")


@blp.route("/credits", methods=["GET"])
@access(FRONT_DESK, BILLER, CLIENT)
@blp.arguments(CreditQuery, location="query")
@blp.response(200, CreditOut(many=True))
def list_credits(args):
    stmt = credits.query(current_principal(), args)
    return paginate(request_session(), stmt, args["limit"], args["cursor"])
