"""/api/v1/closures: days or spans when the whole center is closed."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import ADMIN, FRONT_DESK, THERAPIST, access
from servicekit.db import request_session, unit_of_work
from servicekit.pagination import paginate

from booking import absences, slots
from booking.config import center_zone
from booking.schemas import ClosureIn, ClosureOut, SinceQuery

blp = Blueprint("closures", __name__, description="Center closures and holidays")


@blp.route("/closures", methods=["GET"])
@access(FRONT_DESK, THERAPIST)
@blp.arguments(SinceQuery, location="query")
@blp.response(200, ClosureOut(many=True))
def list_closures(args):
    since = slots.day_span(args["since"], args["since"], center_zone())[0] if args["since"] else None
    return paginate(request_session(), absences.list_closures(since), args["limit"], args["cursor"])


@blp.route("/closures", methods=["POST"])
@access(ADMIN)
@blp.arguments(ClosureIn)
@blp.response(201, ClosureOut)
def add_closure(data):
    with unit_of_work() as session:
        return absences.add_closure(session, data, center_zone())


@blp.route("/closures/<uuid:closure_id>", methods=["DELETE"])
@access(ADMIN)
@blp.response(204)
def remove_closure(closure_id):
    with unit_of_work() as session:
        session.delete(absences.get_closure(session, str(closure_id)))
