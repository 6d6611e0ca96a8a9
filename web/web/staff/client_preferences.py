"""The client file's editable tabs: reminder settings (notifications) and weekly availability (booking).

Both are saved with a PUT of the whole set; the services' 422 messages are shown beside the fields they name.
"""
from __future__ import annotations

from flask import request

from web.access import DESK, signed_in
from web.api import api
from web.forms import apply_api_errors
from web.gateway import Invalid
from web.staff import bp
from web.staff.client_forms import AvailabilityForm, ReminderForm, window_errors, windows_payload
from web.staff.client_tabs import tab_named
from web.staff.clients import render_file

ALIASES = {"channels.0": "channels", "channels.1": "channels"}


@bp.post("/clients/<uuid:client_id>/reminders")
@signed_in(*DESK)
def save_reminders(client_id):
    """Replace the family's reminder channels, lead time and contact details."""
    form = ReminderForm()
    form.validate()
    problems: list[str] = []
    if not form.errors:
        try:
            settings = api().put(f"reminder-settings/{client_id}", form.payload())
        except Invalid as exc:
            problems = apply_api_errors(form, exc, ALIASES)
        else:
            fresh = ReminderForm(formdata=None, data=ReminderForm.data_of(settings))
            return _reminders(str(client_id), form=fresh, reminder_settings=settings, saved=True)
    return _reminders(str(client_id), status=422, form=form, problems=problems)


def _reminders(client_id: str, *, status: int = 200, **context):
    context.setdefault("problems", [])
    context.setdefault("reminder_settings", None)
    context.setdefault("saved", False)
    return render_file(client_id, tab_named("reminders"), status=status, load=False, **context)


@bp.post("/clients/<uuid:client_id>/availability")
@signed_in(*DESK)
def save_availability(client_id):
    """Add or remove a row of the form, or replace the family's weekly windows with the rows filled in."""
    form = AvailabilityForm()
    action = request.form.get("action", "save")
    if action == "add":
        form.add_row()
        return _availability(str(client_id), form=form)
    if action.startswith("remove-") and action[7:].isdigit():
        form.remove_row(int(action[7:]))
        return _availability(str(client_id), form=form)
    if not form.validate():
        return _availability(str(client_id), status=400, form=form)
    week, origin = windows_payload([entry.data for entry in form.windows])
    try:
        saved = api().put(f"client-availability/{client_id}", week)
    except Invalid as exc:
        row_errors, problems = window_errors(exc, origin)
        return _availability(str(client_id), status=422, form=form, row_errors=row_errors, problems=problems)
    rows = [{"weekday": str(w["weekday"]), "start": w["start"], "end": w["end"]} for w in saved]
    fresh = AvailabilityForm(formdata=None, data={"windows": rows})
    fresh.add_row()
    return _availability(str(client_id), form=fresh, saved=True)


def _availability(client_id: str, *, status: int = 200, **context):
    context.setdefault("row_errors", {})
    context.setdefault("problems", [])
    context.setdefault("saved", False)
    return render_file(client_id, tab_named("availability"), status=status, load=False, **context)
