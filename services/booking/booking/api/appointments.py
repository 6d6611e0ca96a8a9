"""/api/v1/appointments: booking (public, portal or front desk), the lists each role may see, status changes."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import CLIENT, FRONT_DESK, PUBLIC, THERAPIST, Principal, access, current_principal
from servicekit.db import request_session, unit_of_work, utcnow
from servicekit.idempotency import idempotent
from servicekit.pagination import PageArgs, paginate
from servicekit.row_access import row_access

from booking import appointments, journal, lifecycle, moves
from booking.config import center_zone, current_settings
from booking.journal import Actor
from booking.schemas import AppointmentIn, AppointmentOut, AppointmentQuery, CancelIn, HistoryOut, RescheduleIn

blp = Blueprint("appointments", __name__, description="Appointments and their lifecycle")


@blp.route("/appointments", methods=["POST"])
@idempotent
@access(PUBLIC)  # staff-only parts (override_reason) are checked in appointments.check_override
@blp.arguments(AppointmentIn)
@blp.response(201, AppointmentOut)
def book(data):
    with unit_of_work() as session:
        return appointments.book(session, data, current_principal(), current_settings(), utcnow())


@blp.route("/appointments", methods=["GET"])
@access(FRONT_DESK, THERAPIST, CLIENT)
@blp.arguments(AppointmentQuery, location="query")
@blp.response(200, AppointmentOut(many=True))
def list_appointments(args):
    stmt = appointments.list_appointments(current_principal(), args, center_zone())
    return paginate(request_session(), stmt, args["limit"], args["cursor"])


@blp.route("/appointments/<uuid:appointment_id>", methods=["GET"])
@access(FRONT_DESK, THERAPIST, CLIENT)
@blp.response(200, AppointmentOut)
def get_appointment(appointment_id):
    return appointments.get_appointment(request_session(), str(appointment_id), current_principal())


def _visible(principal: Principal, appointment_id: str) -> None:
    """403 for an appointment the caller may not see: decided before the body or query is read."""
    appointments.get_appointment(request_session(), appointment_id, principal)


@blp.route("/appointments/<uuid:appointment_id>/history", methods=["GET"])
@access(FRONT_DESK, THERAPIST, CLIENT)
@row_access(_visible)
@blp.arguments(PageArgs, location="query")
@blp.response(200, HistoryOut(many=True))
def history(args, appointment_id):
    session = request_session()
    return paginate(session, journal.history(str(appointment_id)), args["limit"], args["cursor"])


def _act(appointment_id, action: str | None, reason: str | None = None):
    """Apply a lifecycle action (None: cancel, as the caller's role means it) to the locked appointment."""
    principal = current_principal()
    actor = Actor.of(principal)
    with unit_of_work() as session:
        appointment = appointments.get_appointment(session, str(appointment_id), principal, lock=True)
        return lifecycle.apply(session, appointment, action or lifecycle.cancel_action(actor), actor,
                               current_settings(), utcnow(), reason=reason)


@blp.route("/appointments/<uuid:appointment_id>/confirm", methods=["POST"])
@access(FRONT_DESK, CLIENT)
@blp.response(200, AppointmentOut)
def confirm(appointment_id):
    return _act(appointment_id, "confirm")


@blp.route("/appointments/<uuid:appointment_id>/cancel", methods=["POST"])
@access(FRONT_DESK, CLIENT)  # staff cancel (with a reason); a family asks to cancel (pending_cancel)
@row_access(_visible)
@blp.arguments(CancelIn)
@blp.response(200, AppointmentOut)
def cancel(data, appointment_id):
    return _act(appointment_id, None, data["reason"])


@blp.route("/appointments/<uuid:appointment_id>/withdraw-cancel", methods=["POST"])
@access(FRONT_DESK, CLIENT)
@blp.response(200, AppointmentOut)
def withdraw_cancel(appointment_id):
    return _act(appointment_id, "withdraw_cancel")


@blp.route("/appointments/<uuid:appointment_id>/accept-cancel", methods=["POST"])
@access(FRONT_DESK)
@blp.response(200, AppointmentOut)
def accept_cancel(appointment_id):
    return _act(appointment_id, "accept_cancel")


@blp.route("/appointments/<uuid:appointment_id>/complete", methods=["POST"])
@access(FRONT_DESK, THERAPIST)
@blp.response(200, AppointmentOut)
def complete(appointment_id):
    return _act(appointment_id, "complete")


@blp.route("/appointments/<uuid:appointment_id>/no-show", methods=["POST"])
@access(FRONT_DESK, THERAPIST)
@blp.response(200, AppointmentOut)
def no_show(appointment_id):
    return _act(appointment_id, "no_show")


@blp.route("/appointments/<uuid:appointment_id>/reschedule", methods=["POST"])
@access(FRONT_DESK)
@blp.arguments(RescheduleIn)
@blp.response(200, AppointmentOut)
def reschedule(data, appointment_id):
    principal = current_principal()
    with unit_of_work() as session:
        appointment = appointments.get_appointment(session, str(appointment_id), principal, lock=True)
        return moves.reschedule(session, appointment, data, Actor.of(principal), current_settings(), utcnow())
