"""/api/v1/rooms: bookable rooms and their types."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import ADMIN, FRONT_DESK, THERAPIST, access
from servicekit.db import request_session, unit_of_work
from servicekit.pagination import paginate

from booking import rooms
from booking.schemas import RoomIn, RoomOut, RoomQuery

blp = Blueprint("rooms", __name__, description="Rooms (capacity 1) that service types may require")


@blp.route("/rooms", methods=["GET"])
@access(FRONT_DESK, THERAPIST)
@blp.arguments(RoomQuery, location="query")
@blp.response(200, RoomOut(many=True))
def list_rooms(args):
    return paginate(request_session(), rooms.list_rooms(args), args["limit"], args["cursor"])


@blp.route("/rooms", methods=["POST"])
@access(ADMIN)
@blp.arguments(RoomIn)
@blp.response(201, RoomOut)
def create_room(data):
    with unit_of_work() as session:
        return rooms.create_room(session, data)
