"""/api/v1/appointment-series: recurring sessions, and cancelling or moving "this and following"."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import CLIENT, FRONT_DESK, THERAPIST, access, current_principal
from servicekit.db import request_session, unit_of_work, utcnow
from servicekit.idempotency import idempotent

from booking import series
from booking.config import current_settings
from booking.journal import Actor
from booking.schemas import (CancelledOut, FollowingCancelIn, FollowingRescheduleIn, RescheduledOut, SeriesDetailOut,
                             SeriesIn, SeriesOut)

blp = Blueprint("series", __name__, description="Recurring appointment series")


@blp.route("/appointment-series", methods=["POST"])
@idempotent
@access(FRONT_DESK)
@blp.arguments(SeriesIn)
@blp.response(201, SeriesOut)
def create_series(data):
    with unit_of_work() as session:
        return series.create_series(session, data, current_principal(), current_settings(), utcnow())


@blp.route("/appointment-series/<uuid:series_id>", methods=["GET"])
@access(FRONT_DESK, THERAPIST, CLIENT)
@blp.response(200, SeriesDetailOut)
def get_series(series_id):
    return series.get_series(request_session(), str(series_id), current_principal())


@blp.route("/appointment-series/<uuid:series_id>/cancel", methods=["POST"])
@access(FRONT_DESK)
@blp.arguments(FollowingCancelIn)
@blp.response(200, CancelledOut)
def cancel_following(data, series_id):
    with unit_of_work() as session:
        return series.cancel_following(session, str(series_id), data, Actor.of(current_principal()),
                                       current_settings(), utcnow())


@blp.route("/appointment-series/<uuid:series_id>/reschedule", methods=["POST"])
@access(FRONT_DESK)
@blp.arguments(FollowingRescheduleIn)
@blp.response(200, RescheduledOut)
def reschedule_following(data, series_id):
    with unit_of_work() as session:
        return series.reschedule_following(session, str(series_id), data, Actor.of(current_principal()),
                                           current_settings(), utcnow())
