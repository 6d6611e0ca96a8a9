"""Therapists: who offers which service, their weekly working hours (several intervals a day) and time off."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import EmailField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from servicekit.limits import EMAIL

from web.access import ADMIN, signed_in
from web.api import UserApi, api
from web.forms import CreatingForm, api_message, apply_api_errors
from web.gateway import Invalid
from web.render import page
from web.staff import bp
from web.i18n import local_today
from web.staff.settings.closures import SpanForm, clashing, span_label

WEEKDAYS = range(7)  # 0 = Monday, as the booking API counts
LIST_TEMPLATE = "staff/settings/therapists/list.html"
DETAIL_TEMPLATE = "staff/settings/therapists/detail.html"


class TherapistForm(CreatingForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=EMAIL)])
    service_codes = SelectMultipleField(_l("Services offered"), choices=[])


class TimeOffForm(SpanForm):
    """Time off of one therapist (the reason is optional)."""


@dataclass
class Interval:
    """One row of the working-hours editor: "HH:MM" texts as typed, and the API's messages about it."""

    start: str = ""
    end: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        """A row left empty: not sent (an empty day is a day off)."""
        return not self.start and not self.end


Week = list[list[Interval]]  # index = weekday


def week_from_api(hours: list[dict[str, Any]]) -> Week:
    """The therapist's saved week, each day's intervals by start."""
    week: Week = [[] for _day in WEEKDAYS]
    for item in sorted(hours, key=lambda h: (h["weekday"], h["start"])):
        week[item["weekday"]].append(Interval(item["start"], item["end"]))
    return week


def week_from_form(form: MultiDict) -> Week:
    """The week as the editor posted it (`start-<weekday>` and `end-<weekday>`, one per row, in order)."""
    week: Week = []
    for day in WEEKDAYS:
        starts, ends = form.getlist(f"start-{day}"), form.getlist(f"end-{day}")
        week.append([Interval(s.strip(), e.strip()) for s, e in zip(starts, ends)])
    return week


def week_payload(week: Week) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """The intervals for the API (blank rows left out) and, per index sent, the row it came from."""
    payload, places = [], []
    for day, rows in enumerate(week):
        for row_index, row in enumerate(rows):
            if not row.blank:
                payload.append({"weekday": day, "start": row.start, "end": row.end})
                places.append((day, row_index))
    return payload, places


def _row_of(path: str, places: list[tuple[int, int]]) -> tuple[int, int] | None:
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] == "working_hours" and parts[1].isdigit() and int(parts[1]) < len(places):
        return places[int(parts[1])]
    return None


def place_errors(week: Week, places: list[tuple[int, int]], error: Invalid) -> list[str]:
    """Put each message beside the row it names (`working_hours.3.end`); returns the messages naming no row."""
    rows = {path: _row_of(path, places) for path in error.errors}
    leftover: list[str] = []
    for path, messages in error.errors.items():
        texts = [api_message(m) for m in messages]
        where = rows[path]
        if where is not None:
            week[where[0]][where[1]].errors += texts
        elif not (path == "working_hours" and any(rows.values())):  # an overlap also names the whole list
            leftover += texts
    if not error.errors and error.message:
        leftover.append(api_message(error.message))
    return leftover


def apply_edit(week: Week, operation: str) -> tuple[int, int | None] | None:
    """'add:<day>' or 'remove:<day>:<row>' on the editor's week; returns where the focus goes next."""
    parts = operation.split(":")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[1:]) or int(parts[1]) not in WEEKDAYS:
        return None
    day = int(parts[1])
    if parts[0] == "add":
        week[day].append(Interval())
        return day, len(week[day]) - 1
    if parts[0] == "remove" and len(parts) == 3 and int(parts[2]) < len(week[day]):
        del week[day][int(parts[2])]
        return day, None
    return None


def _services(client: UserApi | None = None) -> list[tuple[str, str]]:
    types = (client or api()).get("service-types", limit=200)
    return [(t["code"], f'{t["name"]} ({t["code"]})') for t in types]


def _list_page(form: TherapistForm, *, status: int = 200, problem: str | None = None):
    client = api()
    found = client.parallel(therapists=lambda: client.get("therapists", limit=200), services=lambda: _services(client))
    form.service_codes.choices = found["services"]
    return page(LIST_TEMPLATE, status=status, form=form, therapists=found["therapists"],
                service_names=dict(found["services"]), problem=problem)


@bp.get("/settings/therapists")
@signed_in(*ADMIN)
def settings_therapists():
    """Every therapist and the services they offer; a form to add one."""
    return _list_page(TherapistForm(formdata=None))


@bp.post("/settings/therapists")
@signed_in(*ADMIN)
def settings_therapist_create():
    """Add a therapist, then set their working hours on their page."""
    form = TherapistForm()
    form.service_codes.choices = _services()
    if not form.validate_on_submit():
        return _list_page(form, status=422)
    body = {"name": form.name.data.strip(), "email": form.email.data or None, "service_codes": form.service_codes.data}
    try:
        created = api().post("therapists", body, idempotency_key=form.idempotency_key.data)
    except Invalid as exc:
        return _list_page(form, status=422, problem=" ".join(apply_api_errors(form, exc)))
    flash(_("%(name)s is added. Now give them their working hours.", name=created["name"]), "success")
    return redirect(url_for("staff.settings_therapist", therapist_id=created["id"]))


def _detail(therapist_id: str, *, block: str | None = None, status: int = 200, **context: Any):
    client, since = api(), local_today().isoformat()
    found = client.parallel(
        therapist=lambda: client.get(f"therapists/{therapist_id}"),
        time_off=lambda: client.get(f"therapists/{therapist_id}/time-off", limit=200, **{"from": since}))
    context.setdefault("week", week_from_api(found["therapist"]["working_hours"]))
    context.setdefault("time_off_form", TimeOffForm(formdata=None))
    return page(DETAIL_TEMPLATE, block=block, status=status, therapist=found["therapist"],
                time_off=found["time_off"], span_label=span_label, **context)


@bp.get("/settings/therapists/<uuid:therapist_id>")
@signed_in(*ADMIN)
def settings_therapist(therapist_id):
    """A therapist's working hours and time off."""
    return _detail(str(therapist_id))


@bp.post("/settings/therapists/<uuid:therapist_id>/working-hours")
@signed_in(*ADMIN)
def settings_therapist_hours(therapist_id):
    """Add or remove a row of the week being edited, or save the whole week (the API validates it)."""
    week = week_from_form(request.form)
    operation = request.form.get("op", "save")
    if operation != "save":
        return _detail(str(therapist_id), block="hours", week=week, focus=apply_edit(week, operation))
    payload, places = week_payload(week)
    try:
        saved = api().put(f"therapists/{therapist_id}/working-hours", {"working_hours": payload})
    except Invalid as exc:
        problem = " ".join(place_errors(week, places, exc))
        return _detail(str(therapist_id), block="hours", status=422, week=week, hours_problem=problem)
    return _detail(str(therapist_id), block="hours", week=week_from_api(saved["working_hours"]), hours_saved=True)


@bp.post("/settings/therapists/<uuid:therapist_id>/time-off")
@signed_in(*ADMIN)
def settings_time_off_create(therapist_id):
    """Add time off; the sessions already booked inside it are listed to reschedule."""
    form = TimeOffForm()
    if not form.validate_on_submit():
        return _detail(str(therapist_id), block="time_off", status=422, time_off_form=form)
    try:
        added = api().post(f"therapists/{therapist_id}/time-off", form.payload(),
                           idempotency_key=form.idempotency_key.data)
    except Invalid as exc:
        problem = " ".join(apply_api_errors(form, exc))
        return _detail(str(therapist_id), block="time_off", status=422, time_off_form=form, time_off_problem=problem)
    return _detail(str(therapist_id), block="time_off", added=added,
                   clashes=clashing(added, therapist_id=str(therapist_id)))


@bp.post("/settings/therapists/<uuid:therapist_id>/time-off/<uuid:time_off_id>/delete")
@signed_in(*ADMIN)
def settings_time_off_delete(therapist_id, time_off_id):
    """Remove time off (the therapist is bookable again then)."""
    api().delete(f"therapists/{therapist_id}/time-off/{time_off_id}")
    return _detail(str(therapist_id), block="time_off", removed=True)
