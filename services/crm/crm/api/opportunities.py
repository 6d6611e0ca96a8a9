"""/api/v1/opportunities: the front desk's pipeline of families from first booking to won."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import FRONT_DESK, access
from servicekit.db import request_session, unit_of_work
from servicekit.pagination import paginate

from crm import pipeline
from crm.schemas import LostIn, OpportunityOut, OpportunityQuery

blp = Blueprint("opportunities", __name__, description="Opportunities and their stages")


@blp.route("/opportunities", methods=["GET"])
@access(FRONT_DESK)
@blp.arguments(OpportunityQuery, location="query")
@blp.response(200, OpportunityOut(many=True))
def list_opportunities(args):
    return paginate(request_session(), pipeline.query(args), args["limit"], args["cursor"])


@blp.route("/opportunities/<uuid:opportunity_id>", methods=["GET"])
@access(FRONT_DESK)
@blp.response(200, OpportunityOut)
def get_opportunity(opportunity_id):
    return pipeline.get(request_session(), str(opportunity_id))


@blp.route("/opportunities/<uuid:opportunity_id>/lost", methods=["POST"])
@access(FRONT_DESK)
@blp.arguments(LostIn)
@blp.response(200, OpportunityOut)
def mark_lost(data, opportunity_id):
    with unit_of_work() as session:
        return pipeline.mark_lost(session, str(opportunity_id), data["reason"])
