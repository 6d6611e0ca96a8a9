"""/api/v1/waitlist: families ask for an earlier slot; freed slots are offered, held, and accepted here."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import FRONT_DESK, PUBLIC, access, current_principal
from servicekit.db import request_session, unit_of_work, utcnow
from servicekit.idempotency import idempotent
from servicekit.pagination import paginate

from booking import waitlist
from booking.config import current_settings
from booking.schemas import AppointmentOut, TokenArgs, WaitlistIn, WaitlistOut, WaitlistQuery

blp = Blueprint("waitlist", __name__, description="The wait list and its slot offers")


@blp.route("/waitlist", methods=["POST"])
@idempotent
@access(PUBLIC)  # like booking: anonymous families, the portal (own clients) and the front desk
@blp.arguments(WaitlistIn)
@blp.response(201, WaitlistOut)
def join(data):
    with unit_of_work() as session:
        return waitlist.with_offer(session, waitlist.join(session, data, current_principal()))


@blp.route("/waitlist", methods=["GET"])
@access(FRONT_DESK)
@blp.arguments(WaitlistQuery, location="query")
@blp.response(200, WaitlistOut(many=True))
def list_entries(args):
    session = request_session()
    rows, headers = paginate(session, waitlist.list_entries(args), args["limit"], args["cursor"])
    return [waitlist.with_offer(session, entry) for entry in rows], headers


@blp.route("/waitlist/<uuid:entry_id>", methods=["GET"])
@access(PUBLIC)  # the front desk, the family's portal login, or the offer link's token
@blp.arguments(TokenArgs, location="query")
@blp.response(200, WaitlistOut)
def get_entry(args, entry_id):
    session = request_session()
    entry = waitlist.get_entry(session, str(entry_id))
    waitlist.authorize(session, entry, current_principal(), args["token"])
    return waitlist.with_offer(session, entry)


@blp.route("/waitlist/<uuid:entry_id>", methods=["DELETE"])
@access(PUBLIC)  # same as reading it: the family may leave the list from the offer e-mail too
@blp.arguments(TokenArgs, location="query")
@blp.response(204)
def remove(args, entry_id):
    with unit_of_work() as session:
        waitlist.remove(session, str(entry_id), current_principal(), args["token"], current_settings(), utcnow())


@blp.route("/waitlist/<uuid:entry_id>/accept", methods=["POST"])
@access(PUBLIC)  # the family (portal login or the offer link's token) or the front desk
@blp.arguments(TokenArgs, location="query")
@blp.response(200, AppointmentOut)
def accept(args, entry_id):
    with unit_of_work() as session:
        return waitlist.accept(session, str(entry_id), current_principal(), args["token"], current_settings(),
                               utcnow())
