"""The centre's details and logo: the owner (org_admin) changes them, office managers read them.

What is saved here is printed on quotations and invoices and signs the e-mails families receive; the
gateway publishes each change to the services, so documents made a moment later carry it.
"""
from __future__ import annotations

import base64
from urllib.parse import urlsplit

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, SelectField, StringField, TelField, TextAreaField

from web.access import ADMIN, ORG_ADMIN, current_user, signed_in
from web.api import api
from web.forms import apply_api_errors
from web.gateway import Invalid, Missing
from web.render import page
from web.staff import bp

TEMPLATE = "staff/settings/center/page.html"
LANGUAGES = [("en", "English"), ("fr", "Français")]  # each named in its own language
FIELDS = ("name", "address", "phone", "email", "language", "registration_number", "vat_number")


class CenterForm(FlaskForm):
    name = StringField(_l("Name of the centre"))
    address = TextAreaField(_l("Postal address"))
    phone = TelField(_l("Phone"))
    email = EmailField(_l("E-mail address for families"))
    language = SelectField(_l("Language of the centre"), choices=LANGUAGES)
    registration_number = StringField(_l("Registration number"))
    vat_number = StringField(_l("VAT number"))


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo image"), validators=[FileRequired(_l("Choose an image file."))])


def logo_src(center: dict) -> str | None:
    """The logo's address on this origin (the gateway answers /api/ on the same host as the pages)."""
    if not center.get("logo_url"):
        return None
    parts = urlsplit(center["logo_url"])
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _page(center: dict, *, form: CenterForm | None = None, logo_form: LogoForm | None = None,
          status: int = 200, logo_problem: str | None = None):
    editable = current_user().holds(*ORG_ADMIN)
    form = form or CenterForm(formdata=None, data={name: center.get(name) or "" for name in FIELDS})
    return page(TEMPLATE, status=status, center=center, form=form, logo_form=logo_form or LogoForm(formdata=None),
                editable=editable, logo_src=logo_src(center), logo_problem=logo_problem)


@bp.get("/settings/center")
@signed_in(*ADMIN)
def settings_center():
    """The centre's details: a form for the owner, a read-only view for office managers."""
    return _page(api().get("center"))


@bp.post("/settings/center")
@signed_in(*ORG_ADMIN)
def settings_center_save():
    """Save the centre's details; the gateway checks them and tells every service."""
    form = CenterForm()
    if not form.validate_on_submit():
        return _page(api().get("center"), form=form, status=422)
    body = {name: (getattr(form, name).data or "").strip() for name in FIELDS}
    try:
        api().put("center", body)
    except Invalid as exc:
        apply_api_errors(form, exc)
        return _page(api().get("center"), form=form, status=422)
    flash(_("The centre's details are saved. Documents and e-mails use them from now on."), "success")
    return redirect(url_for("staff.settings_center"))


@bp.post("/settings/center/logo")
@signed_in(*ORG_ADMIN)
def settings_center_logo():
    """Replace the logo; the gateway accepts a PNG or JPEG image only, judged by its content."""
    form = LogoForm()
    if not form.validate_on_submit():
        return _page(api().get("center"), logo_form=form, status=422)
    image = base64.b64encode(form.logo.data.read()).decode("ascii")
    try:
        api().put("center/logo", {"image": image})
    except Invalid as exc:
        problem = " ".join(apply_api_errors(form, exc, {"image": "logo"})) or None
        return _page(api().get("center"), logo_form=form, status=422, logo_problem=problem)
    flash(_("The new logo is saved."), "success")
    return redirect(url_for("staff.settings_center"))


@bp.post("/settings/center/logo/remove")
@signed_in(*ORG_ADMIN)
def settings_center_logo_remove():
    """Remove the logo: documents show the centre's name alone."""
    try:
        api().delete("center/logo")
    except Missing:
        pass  # removed meanwhile (another tab): the outcome the person asked for
    flash(_("The logo is removed."), "success")
    return redirect(url_for("staff.settings_center"))
