"""Message templates: the subject, body and text message of each kind of message, as the centre words them."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from web.access import ADMIN, signed_in
from web.api import api
from web.forms import apply_api_errors
from web.gateway import Invalid
from web.labels import MESSAGE_KINDS, label
from web.render import page
from web.staff import bp

LIST_TEMPLATE = "staff/settings/templates/list.html"
EDIT_TEMPLATE = "staff/settings/templates/edit.html"


def kind_label(kind: str) -> str:
    """The name staff read for a kind of message (the API's name when it is a new one)."""
    return label(MESSAGE_KINDS, kind)


class TemplateForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(_l("E-mail text"), validators=[DataRequired(), Length(max=20000)])
    sms_text = TextAreaField(_l("Text message (SMS)"), validators=[Length(max=2000)])

    def body_for(self, has_sms: bool) -> dict[str, Any]:
        """The PUT body; the SMS text only for the kinds sent by SMS (the API requires it for them)."""
        sms = (self.sms_text.data or "").strip() if has_sms else ""
        return {"subject": self.subject.data, "body": self.body.data, "sms_text": sms or None}


@bp.get("/settings/templates")
@signed_in(*ADMIN)
def settings_templates():
    """Every kind of message and its current subject."""
    return page(LIST_TEMPLATE, templates=api().get("notification-templates"), kind_label=kind_label)


@bp.route("/settings/templates/<string:kind>", methods=["GET", "POST"])
@signed_in(*ADMIN)
def settings_template(kind):
    """Edit one kind of message; the placeholders it may use are listed, an unknown one is refused by name."""
    template = api().get(f"notification-templates/{kind}")
    form = TemplateForm(data=template)
    has_sms = template.get("sms_text") is not None
    context = {"message": template, "has_sms": has_sms, "label": kind_label(kind)}
    if not form.is_submitted():
        return page(EDIT_TEMPLATE, form=form, **context)
    if not form.validate():
        return page(EDIT_TEMPLATE, status=422, form=form, **context)
    try:
        api().put(f"notification-templates/{kind}", form.body_for(has_sms))
    except Invalid as exc:
        return page(EDIT_TEMPLATE, status=422, form=form, problem=" ".join(apply_api_errors(form, exc)), **context)
    flash(_("The message “%(label)s” is saved.", label=context["label"]), "success")
    return redirect(url_for("staff.settings_template", kind=kind))
