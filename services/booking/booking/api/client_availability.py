"""/api/v1/client-availability/{client_id}: the weekly windows a client can come in (slot suggestions stay inside)."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import CLIENT, FRONT_DESK, THERAPIST, access, current_principal
from servicekit.db import request_session, unit_of_work
from servicekit.row_access import row_access

from booking import client_windows
from booking.schemas import WeeklyIn, WeeklyOut

blp = Blueprint("client_availability", __name__, description="Client availability windows")


@blp.route("/client-availability/<uuid:client_id>", methods=["GET"])
@access(FRONT_DESK, THERAPIST, CLIENT)
@blp.response(200, WeeklyOut(many=True))
def get_availability(client_id):
    client_windows.may_read(request_session(), current_principal(), str(client_id))
    return client_windows.windows(request_session(), str(client_id))


@blp.route("/client-availability/<uuid:client_id>", methods=["PUT"])
@access(FRONT_DESK, CLIENT)
@row_access(client_windows.may_write)  # another family's child: 403 before the windows are read
@blp.arguments(WeeklyIn(many=True))
@blp.response(200, WeeklyOut(many=True))
def replace_availability(week, client_id):
    with unit_of_work() as session:
        return client_windows.replace(session, str(client_id), week)
