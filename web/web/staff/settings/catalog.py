"""Service types and their booking rules: session length, slot grid, buffers, notice, horizon, late cancel, room."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from web.access import ADMIN, signed_in
from web.api import api
from web.forms import CreatingForm, apply_api_errors, refusal_message
from web.gateway import Conflict, Invalid
from web.render import page
from web.staff import bp

LIST_TEMPLATE = "staff/settings/catalog/list.html"
EDIT_TEMPLATE = "staff/settings/catalog/edit.html"
RULES = ("duration_minutes", "granularity_minutes", "buffer_before_minutes", "buffer_after_minutes",
         "min_notice_minutes", "horizon_days", "late_cancel_hours")


class ServiceTypeForm(CreatingForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=10)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    duration_minutes = IntegerField(_l("Session length (minutes)"), validators=[InputRequired()])


class RulesForm(FlaskForm):
    """A service type's name and booking rules (README "Scheduling rules"); the API checks every range."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    duration_minutes = IntegerField(_l("Session length (minutes)"), validators=[InputRequired()])
    granularity_minutes = IntegerField(_l("Slots start every (minutes)"), validators=[Optional()])
    buffer_before_minutes = IntegerField(_l("Buffer before (minutes)"), validators=[InputRequired()])
    buffer_after_minutes = IntegerField(_l("Buffer after (minutes)"), validators=[InputRequired()])
    min_notice_minutes = IntegerField(_l("Minimum notice (minutes)"), validators=[InputRequired()])
    horizon_days = IntegerField(_l("Booking horizon (days)"), validators=[InputRequired()])
    late_cancel_hours = IntegerField(_l("Late cancellation within (hours)"), validators=[InputRequired()])
    room_type = SelectField(_l("Room needed"), choices=[])

    def changes(self) -> dict[str, Any]:
        """The PATCH body: every rule as shown (blank slot grid = every session length, no room = none)."""
        body: dict[str, Any] = {name: getattr(self, name).data for name in RULES}
        body.update(name=self.name.data.strip(), room_type=self.room_type.data or None)
        return body


def room_choices(current: str | None) -> list[tuple[str, str]]:
    """'No room needed', then every room type the centre has (and the current one, even without rooms)."""
    types = {room["room_type"] for room in api().get("rooms", limit=200)}
    if current:
        types.add(current)
    return [("", _("No room needed"))] + [(kind, kind) for kind in sorted(types)]


def _list_page(form: ServiceTypeForm, *, status: int = 200, problem: str | None = None):
    services = api().get("service-types", limit=200)
    return page(LIST_TEMPLATE, status=status, form=form, services=services, problem=problem)


@bp.get("/settings/service-types")
@signed_in(*ADMIN)
def settings_service_types():
    """The service types the centre offers; a form to add one."""
    return _list_page(ServiceTypeForm(formdata=None))


@bp.post("/settings/service-types")
@signed_in(*ADMIN)
def settings_service_type_create():
    """Add a service type, then adjust its booking rules on its own page."""
    form = ServiceTypeForm()
    if not form.validate_on_submit():
        return _list_page(form, status=422)
    body = {"code": form.code.data.strip(), "name": form.name.data.strip(),
            "duration_minutes": form.duration_minutes.data}
    try:
        created = api().post("service-types", body, idempotency_key=form.idempotency_key.data)
    except Invalid as exc:
        return _list_page(form, status=422, problem=" ".join(apply_api_errors(form, exc)))
    except Conflict as exc:
        return _list_page(form, status=409, problem=refusal_message(exc))
    flash(_("%(name)s is added. Check its booking rules below.", name=created["name"]), "success")
    return redirect(url_for("staff.settings_service_type", service_type_id=created["id"]))


@bp.route("/settings/service-types/<uuid:service_type_id>", methods=["GET", "POST"])
@signed_in(*ADMIN)
def settings_service_type(service_type_id):
    """One service type's name and booking rules; saved all at once, each refusal beside its field."""
    service = api().get(f"service-types/{service_type_id}")
    form = RulesForm(data=service)
    form.room_type.choices = room_choices(service.get("room_type"))
    if not form.is_submitted():
        return page(EDIT_TEMPLATE, form=form, service=service)
    if not form.validate():
        return page(EDIT_TEMPLATE, status=422, form=form, service=service)
    try:
        api().patch(f"service-types/{service_type_id}", form.changes())
    except Invalid as exc:
        problem = " ".join(apply_api_errors(form, exc))
        return page(EDIT_TEMPLATE, status=422, form=form, service=service, problem=problem)
    flash(_("The booking rules of %(name)s are saved.", name=form.name.data.strip()), "success")
    return redirect(url_for("staff.settings_service_type", service_type_id=service_type_id))
