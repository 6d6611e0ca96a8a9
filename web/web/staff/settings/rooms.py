"""Rooms: where sessions take place; a service type that needs a kind of room books a free one of that type."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from web.access import ADMIN, signed_in
from web.api import api
from web.forms import CreatingForm, apply_api_errors, refusal_message
from web.gateway import Conflict, Invalid
from web.render import page
from web.staff import bp

TEMPLATE = "staff/settings/rooms/list.html"


class RoomForm(CreatingForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    room_type = StringField(_l("Type of room"), validators=[DataRequired(), Length(max=40)])


def _page(form: RoomForm, *, status: int = 200, problem: str | None = None):
    rooms = api().get("rooms", limit=200)
    return page(TEMPLATE, status=status, form=form, rooms=rooms, problem=problem,
                room_types=sorted({room["room_type"] for room in rooms}))


@bp.get("/settings/rooms")
@signed_in(*ADMIN)
def settings_rooms():
    """The centre's rooms by name; a form to add one."""
    return _page(RoomForm(formdata=None))


@bp.post("/settings/rooms")
@signed_in(*ADMIN)
def settings_room_create():
    """Add a room (its name must be new)."""
    form = RoomForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    body = {"name": form.name.data.strip(), "room_type": form.room_type.data.strip()}
    try:
        api().post("rooms", body, idempotency_key=form.idempotency_key.data)
    except Invalid as exc:
        return _page(form, status=422, problem=" ".join(apply_api_errors(form, exc)))
    except Conflict as exc:
        return _page(form, status=409, problem=refusal_message(exc))
    flash(_("The room %(name)s is added.", name=body["name"]), "success")
    return redirect(url_for("staff.settings_rooms"))
