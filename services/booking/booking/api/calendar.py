"""/api/v1/calendar and /api/v1/planning: day, week and month views, and the weekly therapist planning."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import CLIENT, FRONT_DESK, THERAPIST, access, current_principal
from servicekit.db import request_session, utcnow

from booking import calendars
from booking.config import center_zone
from booking.schemas import CalendarOut, CalendarQuery, PlanningQuery, PlanningRowOut

blp = Blueprint("calendar", __name__, description="Calendar views and the weekly planning")


@blp.route("/calendar", methods=["GET"])
@access(FRONT_DESK, THERAPIST, CLIENT)
@blp.arguments(CalendarQuery, location="query")
@blp.response(200, CalendarOut)
def calendar(args):
    zone = center_zone()
    return calendars.calendar(request_session(), args, current_principal(), zone, utcnow().astimezone(zone).date())


@blp.route("/planning", methods=["GET"])
@access(FRONT_DESK, THERAPIST)
@blp.arguments(PlanningQuery, location="query")
@blp.response(200, PlanningRowOut(many=True))
def planning(args):
    zone = center_zone()
    return calendars.planning(request_session(), args, current_principal(), zone, utcnow().astimezone(zone).date())
