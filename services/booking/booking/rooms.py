"""Rooms: bookable resources of a type (capacity 1) that service types may require."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit.errors import Conflict

from booking.models import Room


def create_room(session: Session, data: dict[str, Any]) -> Room:
    """A new room; its name must be new (the unique index settles a race as a 409 too)."""
    name = data["name"].strip()
    if session.scalar(select(Room.id).where(Room.name == name)):
        raise Conflict(f"A room named {name} already exists.")
    room = Room(name=name, room_type=data["room_type"])
    session.add(room)
    session.flush()
    return room


def list_rooms(args: dict[str, Any]) -> Select:
    """Active rooms by name, optionally of one type."""
    stmt = select(Room).where(Room.active.is_(True)).order_by(Room.name, Room.id)
    return stmt.where(Room.room_type == args["room_type"]) if args.get("room_type") else stmt
