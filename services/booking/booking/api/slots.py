"""/api/v1/slots: free times for a service, from working hours, rules, absences and booked appointments."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import PUBLIC, access, current_principal
from servicekit.db import request_session, utcnow

from booking import availability
from booking.config import current_settings
from booking.schemas import SlotOut, SlotQuery

blp = Blueprint("slots", __name__, description="Free slots")


@blp.route("/slots", methods=["GET"])
@access(PUBLIC)  # client_id (suggest inside the client's windows) needs staff or the family: see availability
@blp.arguments(SlotQuery, location="query")
@blp.response(200, SlotOut(many=True))
def list_slots(args):
    return availability.find_slots(request_session(), args, current_principal(), current_settings(), utcnow())
