"""/api/v1/therapists: who offers which service, when they work, their time off and calendar feed."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from servicekit.auth import ADMIN, FRONT_DESK, PUBLIC, THERAPIST, access, current_principal
from servicekit.db import request_session, unit_of_work, utcnow
from servicekit.pagination import PageArgs, paginate
from servicekit.row_access import row_access

from booking import absences, feeds, slots, therapists
from booking.config import center_zone, current_settings
from booking.schemas import (CalendarTokenOut, SinceQuery, TherapistDetailOut, TherapistIn, TherapistOut, TimeOffIn,
                             TimeOffOut, TokenArgs, WeekIn)

blp = Blueprint("therapists", __name__, description="Therapists, their services and weekly working hours")


@blp.route("/therapists", methods=["GET"])
@access(PUBLIC)
@blp.arguments(PageArgs, location="query")
@blp.response(200, TherapistOut(many=True))
def list_therapists(args):
    return paginate(request_session(), therapists.list_therapists(), args["limit"], args["cursor"])


@blp.route("/therapists", methods=["POST"])
@access(ADMIN)
@blp.arguments(TherapistIn)
@blp.response(201, TherapistDetailOut)
def create_therapist(data):
    with unit_of_work() as session:
        return therapists.create_therapist(session, data)


@blp.route("/therapists/<uuid:therapist_id>", methods=["GET"])
@access(PUBLIC)
@blp.response(200, TherapistDetailOut)
def get_therapist(therapist_id):
    return therapists.get_therapist(request_session(), str(therapist_id))


@blp.route("/therapists/<uuid:therapist_id>/working-hours", methods=["PUT"])
@access(ADMIN)
@blp.arguments(WeekIn)
@blp.response(200, TherapistDetailOut)
def replace_working_hours(data, therapist_id):
    with unit_of_work() as session:
        therapist = therapists.get_therapist(session, str(therapist_id), lock=True)
        return therapists.replace_working_hours(session, therapist, data["working_hours"])


@blp.route("/therapists/<uuid:therapist_id>/time-off", methods=["GET"])
@access(FRONT_DESK, THERAPIST)
@row_access(absences.may_manage_time_off)  # another therapist's: 403 before the query is read
@blp.arguments(SinceQuery, location="query")
@blp.response(200, TimeOffOut(many=True))
def list_time_off(args, therapist_id):
    session = request_session()
    therapists.get_therapist(session, str(therapist_id))
    since = slots.day_span(args["since"], args["since"], center_zone())[0] if args["since"] else None
    return paginate(session, absences.list_time_off(str(therapist_id), since), args["limit"], args["cursor"])


@blp.route("/therapists/<uuid:therapist_id>/time-off", methods=["POST"])
@access(FRONT_DESK, THERAPIST)
@row_access(absences.may_manage_time_off)  # another therapist's: 403 before the body is read
@blp.arguments(TimeOffIn)
@blp.response(201, TimeOffOut)
def add_time_off(data, therapist_id):
    with unit_of_work() as session:
        therapist = therapists.get_therapist(session, str(therapist_id))
        return absences.add_time_off(session, therapist, data, center_zone())


@blp.route("/therapists/<uuid:therapist_id>/time-off/<uuid:time_off_id>", methods=["DELETE"])
@access(FRONT_DESK, THERAPIST)
@row_access(absences.may_manage_time_off)
@blp.response(204)
def remove_time_off(therapist_id, time_off_id):
    with unit_of_work() as session:
        session.delete(absences.get_time_off(session, str(therapist_id), str(time_off_id)))


@blp.route("/therapists/<uuid:therapist_id>/calendar-token", methods=["POST"])
@access(ADMIN, THERAPIST)  # an admin, or the therapist themself: checked in feeds.rotate_token
@blp.response(200, CalendarTokenOut)
def rotate_calendar_token(therapist_id):
    with unit_of_work() as session:
        therapist = therapists.get_therapist(session, str(therapist_id), lock=True)
        return feeds.rotate_token(therapist, current_principal(), current_settings())


@blp.route("/therapists/<uuid:therapist_id>/calendar.ics", methods=["GET"])
@access(PUBLIC)  # calendar apps cannot log in: the secret token in the URL is checked in feeds.feed
@blp.arguments(TokenArgs, location="query")
@blp.response(200, content_type="text/calendar", description="The therapist's sessions as iCalendar")
def calendar_feed(args, therapist_id):
    session = request_session()
    therapist = therapists.get_therapist(session, str(therapist_id))
    body = feeds.feed(session, therapist, args["token"], utcnow())
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="sessions.ics"', "Cache-Control": "private, max-age=300"})
