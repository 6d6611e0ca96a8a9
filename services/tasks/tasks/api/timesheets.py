"""/api/v1/timesheets: a therapist's own time entries across tasks (admins: anyone's)."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import THERAPIST, access, current_principal
from servicekit.db import request_session
from servicekit.pagination import paginate

from tasks import timesheets
from tasks.schemas import TimesheetOut, TimesheetQuery

blp = Blueprint("timesheets", __name__, description="Therapists' time entries and progress notes")


@blp.route("/timesheets", methods=["GET"])
@access(THERAPIST)
@blp.arguments(TimesheetQuery, location="query")
@blp.response(200, TimesheetOut(many=True))
def list_timesheets(args):
    stmt = timesheets.query_timesheets(current_principal(), args)
    return paginate(request_session(), stmt, args["limit"], args["cursor"])
