"""The family's reminder preferences, per child: how (e-mail, text message) and how long before a session, the
address and number to use, or no reminders at all — and, by choosing them again, the way back from an
unsubscribe of the family's own address (the notifications service decides; never someone else's address)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from web.access import signed_in
from web.api import api
from web.forms import apply_api_errors
from web.gateway import Invalid
from web.portal import bp
from web.staff.client_forms import ReminderForm

ALIASES = {"channels.0": "channels", "channels.1": "channels"}


class FamilyReminderForm(ReminderForm):
    opt_out = BooleanField(_l("I do not want reminders"))


def _children() -> list[dict]:
    """The family's children (ids its account holds) with their current reminder settings."""
    client = api()
    ids = client.get("users/me").get("client_ids") or []
    found = client.parallel(**{child: (lambda child=child: client.get(f"reminder-settings/{child}")) for child in ids})
    names = client.parallel(**{child: (lambda child=child: client.get(f"clients/{child}")) for child in ids})
    return [{"id": child, "name": f"{names[child]['first_name']} {names[child]['last_name']}",
             "settings": found[child]} for child in ids]


@bp.get("/preferences")
@signed_in("client")
def preferences():
    children = _children()
    forms = {c["id"]: FamilyReminderForm(formdata=None, prefix=c["id"], data=ReminderForm.data_of(c["settings"]))
             for c in children}
    return render_template("portal/preferences.html", children=children, forms=forms, problems={})


@bp.post("/preferences/<uuid:client_id>")
@signed_in("client")
def save_preferences(client_id):
    child = str(client_id)
    form = FamilyReminderForm(prefix=child)
    form.validate()
    problems: list[str] = []
    if not form.errors:
        try:
            api().put(f"reminder-settings/{child}", form.payload())
        except Invalid as exc:
            problems = apply_api_errors(form, exc, ALIASES)
        else:
            flash(_("Your reminder preferences are saved."), "success")
            return redirect(url_for("portal.preferences"))
    children = _children()
    forms = {c["id"]: form if c["id"] == child else
             FamilyReminderForm(formdata=None, prefix=c["id"], data=ReminderForm.data_of(c["settings"]))
             for c in children}
    return render_template("portal/preferences.html", children=children, forms=forms,
                           problems={child: problems}), 422
