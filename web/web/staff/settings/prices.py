"""The price list: per service type a single-session price and N-session packages, offered or retired."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from web.access import ADMIN, signed_in
from web.api import api
from web.errors import is_htmx
from web.forms import CreatingForm, apply_api_errors, refusal_message
from web.gateway import Conflict, Invalid
from web.i18n import api_amount
from web.render import page
from web.staff import bp

LIST_TEMPLATE = "staff/settings/prices/list.html"
EDIT_TEMPLATE = "staff/settings/prices/edit.html"
ROW_TEMPLATE = "staff/settings/prices/row.html"
KINDS = (("single", _l("Single session")), ("package", _l("Package of sessions")))


class PriceForm(CreatingForm):
    service_code = SelectField(_l("Service"), choices=[])
    kind = SelectField(_l("Kind"), choices=KINDS)
    name = StringField(_l("Name on quotations"), validators=[DataRequired(), Length(max=100)])
    sessions = IntegerField(_l("Sessions in the package"), validators=[Optional()])
    unit_price = StringField(_l("Price"), validators=[DataRequired(), Length(max=20)])


class PriceEditForm(FlaskForm):
    name = StringField(_l("Name on quotations"), validators=[DataRequired(), Length(max=100)])
    unit_price = StringField(_l("Price"), validators=[DataRequired(), Length(max=20)])


def _services() -> list[dict[str, Any]]:
    return api().get("service-types", limit=200)


def _list_page(form: PriceForm, *, status: int = 200, problem: str | None = None):
    client = api()
    found = client.parallel(prices=lambda: client.get("price-list", limit=200),
                            services=lambda: client.get("service-types", limit=200))
    form.service_code.choices = [(s["code"], f'{s["name"]} ({s["code"]})') for s in found["services"]]
    return page(LIST_TEMPLATE, status=status, form=form, prices=found["prices"], problem=problem,
                service_names={s["code"]: s["name"] for s in found["services"]}, kinds=dict(KINDS))


@bp.get("/settings/prices")
@signed_in(*ADMIN)
def settings_prices():
    """Every price, offered or retired, by service; a form to add one."""
    return _list_page(PriceForm(formdata=None))


@bp.post("/settings/prices")
@signed_in(*ADMIN)
def settings_price_create():
    """Add a single-session price or a package (one offered single price per service)."""
    form = PriceForm()
    services = {s["code"]: s["name"] for s in _services()}
    form.service_code.choices = list(services.items())
    if not form.validate_on_submit():
        return _list_page(form, status=422)
    body = {"service_code": form.service_code.data, "service_name": services[form.service_code.data],
            "name": form.name.data.strip(), "kind": form.kind.data, "unit_price": api_amount(form.unit_price.data),
            "sessions": form.sessions.data if form.kind.data == "package" else None}
    try:
        api().post("price-list", body, idempotency_key=form.idempotency_key.data)
    except Invalid as exc:
        return _list_page(form, status=422, problem=" ".join(apply_api_errors(form, exc)))
    except Conflict as exc:
        return _list_page(form, status=409, problem=refusal_message(exc))
    flash(_("%(name)s is added to the price list.", name=body["name"]), "success")
    return redirect(url_for("staff.settings_prices"))


@bp.route("/settings/prices/<uuid:item_id>", methods=["GET", "POST"])
@signed_in(*ADMIN)
def settings_price(item_id):
    """Change a price's name or amount (quotations already drafted keep their prices)."""
    item = api().get(f"price-list/{item_id}")
    form = PriceEditForm(data=item)
    if not form.is_submitted():
        return page(EDIT_TEMPLATE, form=form, item=item)
    if not form.validate():
        return page(EDIT_TEMPLATE, status=422, form=form, item=item)
    try:
        changes = {"name": form.name.data.strip(), "unit_price": api_amount(form.unit_price.data)}
        api().patch(f"price-list/{item_id}", changes)
    except Invalid as exc:
        return page(EDIT_TEMPLATE, status=422, form=form, item=item, problem=" ".join(apply_api_errors(form, exc)))
    flash(_("%(name)s is saved.", name=form.name.data.strip()), "success")
    return redirect(url_for("staff.settings_prices"))


@bp.post("/settings/prices/<uuid:item_id>/active")
@signed_in(*ADMIN)
def settings_price_active(item_id):
    """Offer a price again, or retire it (families and quotations no longer see it)."""
    active = request.form.get("active") == "true"
    problem, status = None, 200
    try:
        item = api().patch(f"price-list/{item_id}", {"active": active})
    except Conflict as exc:
        item, problem, status = api().get(f"price-list/{item_id}"), refusal_message(exc), 409
    if not is_htmx():
        if problem:
            flash(problem, "warning")
        return redirect(url_for("staff.settings_prices"))
    return page(ROW_TEMPLATE, status=status, item=item, row_problem=problem, kinds=dict(KINDS), toggled=True)
