"""Booking by the front desk: an existing client or a new child and guardian, a service, a therapist (or any),
the suggested free slots, one session or a weekly series (with what was booked and what conflicted)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Mapping, Sequence

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from jinja2_fragments.flask import render_block
from wtforms import (BooleanField, DateField, EmailField, Form, FormField, HiddenField, IntegerField, SelectField,
                     StringField, TelField, TextAreaField, TimeField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from servicekit.limits import EMAIL, NAME_PART, PHONE

from web.access import DESK, signed_in
from web.api import api
from web.forms import CreatingForm, api_message, apply_api_errors
from web.gateway import Conflict, Invalid
from web.i18n import current_tz, fmt_datetime, local_today, parse_time
from web.render import page
from web.staff import bp
from web.staff.appointments import full_name, local_start

ALIASES = {"start": "time"}  # the API's one `start` is the form's date and time
SLOT_DAYS = 7                # suggested slots: the week from the chosen date


class ChildForm(Form):
    """The child the session is for (a new client, or a known one as crm has them)."""

    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=NAME_PART)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=NAME_PART)])
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])


class GuardianForm(Form):
    """The parent or guardian the centre writes to."""

    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=NAME_PART)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=NAME_PART)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=EMAIL)])
    phone = TelField(_l("Phone (optional)"), validators=[Optional(), Length(max=PHONE)])


class BookingForm(CreatingForm):
    """One session or a weekly series, for a known client (client_id) or a new family."""

    client_id = HiddenField()
    client = FormField(ChildForm, label=_l("Child"))
    guardian = FormField(GuardianForm, label=_l("Parent or guardian"))
    service_code = SelectField(_l("Service"), choices=[], validators=[DataRequired()])
    therapist_id = SelectField(_l("Therapist"), choices=[], validate_choice=False)
    date = DateField(_l("Date"), validators=[DataRequired()])
    time = TimeField(_l("Time"), validators=[DataRequired()])
    repeat = BooleanField(_l("Repeat as a weekly series"))
    every_weeks = IntegerField(_l("Weeks between sessions"), default=1, validators=[Optional(), NumberRange(1, 8)])
    count = IntegerField(_l("Number of sessions"), default=10, validators=[Optional(), NumberRange(1, 52)])
    notes = TextAreaField(_l("Notes (optional)"), validators=[Optional(), Length(max=2000)])
    override_reason = StringField(_l("Override reason"), validators=[Optional(), Length(max=1000)])

    def validate(self, extra_validators=None) -> bool:
        """The form's own rules: a series needs one therapist and takes no override."""
        valid = super().validate(extra_validators)
        if self.repeat.data and not self.therapist_id.data:
            self.therapist_id.errors = [*self.therapist_id.errors, _("Choose the therapist of the series.")]
            valid = False
        if self.repeat.data and self.override_reason.data:
            self.override_reason.errors = [*self.override_reason.errors,
                                           _("An override applies to one session, not to a series.")]
            valid = False
        return valid


def payload(form: BookingForm) -> dict[str, Any]:
    """What the booking API takes from the form (a series adds how often and how many)."""
    child, guardian = form.client.form, form.guardian.form
    body: dict[str, Any] = {
        "service_code": form.service_code.data, "start": local_start(form.date.data, form.time.data),
        "therapist_id": form.therapist_id.data or None, "client_id": form.client_id.data or None,
        "client": {"first_name": child.first_name.data.strip(), "last_name": child.last_name.data.strip(),
                   "birth_date": child.birth_date.data.isoformat() if child.birth_date.data else None},
        "guardian": {"first_name": guardian.first_name.data.strip(), "last_name": guardian.last_name.data.strip(),
                     "email": guardian.email.data.strip(), "phone": (guardian.phone.data or "").strip() or None},
        "notes": (form.notes.data or "").strip() or None}
    if form.repeat.data:
        body.update(every_weeks=form.every_weeks.data or 1, count=form.count.data or 1)
    else:
        body["override_reason"] = (form.override_reason.data or "").strip() or None
    return body


def prefill(args: Mapping[str, str], client: Mapping[str, Any] | None,
            therapists: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """Form data from the calendar's click (`start` as a day or a wall-clock time, the therapist's column, whose
    only service is then the one chosen) and a chosen client."""
    data: dict[str, Any] = {"therapist_id": args.get("therapist_id", ""), "service_code": args.get("service_code", "")}
    offered = [t["service_codes"] for t in therapists if t["id"] == data["therapist_id"]]
    if not data["service_code"] and offered and len(offered[0]) == 1:
        data["service_code"] = offered[0][0]
    start = args.get("start", "")
    try:
        moment = dt.datetime.fromisoformat(start) if start else None
    except ValueError:
        moment = None
    if moment is not None:
        data["date"] = moment.date()
        if "T" in start:
            data["time"] = moment.time().replace(second=0, microsecond=0)
    if client:
        guardian = (client.get("guardians") or [{}])[0]
        data.update(client_id=client["id"], client={
            "first_name": client["first_name"], "last_name": client["last_name"],
            "birth_date": dt.date.fromisoformat(client["birth_date"]) if client.get("birth_date") else None},
            guardian={k: guardian.get(k) or "" for k in ("first_name", "last_name", "email", "phone")})
    return data


def slots_by_day(slots: list[Mapping[str, Any]], zone: dt.tzinfo) -> list[tuple[dt.date, list[dict[str, Any]]]]:
    """Free slots grouped by the centre's day, each with its wall-clock start for the form."""
    days: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for slot in slots:
        local = parse_time(slot["start"]).astimezone(zone)
        days[local.date()].append({**slot, "wall": local.strftime("%Y-%m-%dT%H:%M")})
    return [(day, sorted(found, key=lambda s: (s["wall"], s.get("therapist_name", ""))))
            for day, found in sorted(days.items())]


def _choices(form: BookingForm, catalog: Mapping[str, Any]) -> BookingForm:
    form.service_code.choices = [("", _("Choose a service"))] + [(s["code"], s["name"]) for s in catalog["services"]]
    form.therapist_id.choices = [("", _("Any available therapist"))] + [
        (t["id"], f"{t['name']} ({', '.join(t['service_codes'])})") for t in catalog["therapists"]]
    return form


def _catalog(client_id: str | None = None, query: str = "") -> dict[str, Any]:
    """Service types and therapists, and the chosen client or the clients matching `query` (at once)."""
    client = api()
    calls = {"services": lambda: client.get("service-types", limit=200),
             "therapists": lambda: client.get("therapists", limit=200)}
    if client_id:
        calls["client"] = lambda: client.get(f"clients/{client_id}")
    if len(query) >= 2:
        calls["clients"] = lambda: client.get("clients", q=query, limit=10)
    return client.parallel(**calls)


def _form_page(form: BookingForm, catalog: Mapping[str, Any], *, status: int = 200, problem: str | None = None,
               conflict: bool = False, query: str = "", keep: Mapping[str, str] | None = None):
    """The form page (or, for the client search's htmx request, only its list of matching clients)."""
    return page("staff/booking/form.html", block="clients", form=_choices(form, catalog), problem=problem,
                conflict=conflict, status=status, active_nav="staff.calendar", chosen=form.client_id.data,
                clients=catalog.get("clients", []), query=query, keep=keep or {})


@bp.get("/booking")
@signed_in(*DESK)
def booking():
    """The booking form, prefilled from the calendar (time, therapist) or a chosen client; `q` finds clients."""
    client_id = request.args.get("client_id") or None
    query = request.args.get("q", "").strip()
    catalog = _catalog(client_id, query)
    keep = {k: request.args.get(k, "") for k in ("service_code", "therapist_id", "start")}
    if request.args.get("date"):
        keep["start"] = request.args["date"] + (f"T{request.args['time']}" if request.args.get("time") else "")
    form = BookingForm(formdata=None, data=prefill(keep, catalog.get("client"), catalog["therapists"]))
    return _form_page(form, catalog, query=query, keep={k: v for k, v in keep.items() if v})


@bp.post("/booking")
@signed_in(*DESK)
def book():
    """Book one session (over a conflict with an override reason) or a weekly series."""
    catalog = _catalog()
    form = _choices(BookingForm(), catalog)
    if not form.validate():
        return _form_page(form, catalog, status=422)
    path = "appointment-series" if form.repeat.data else "appointments"
    try:
        created = api().post(path, payload(form), idempotency_key=form.idempotency_key.data)
    except (Conflict, Invalid) as exc:
        leftover = apply_api_errors(form, exc, ALIASES)
        return _form_page(form, catalog, status=exc.status, problem=" ".join(leftover) or None,
                          conflict=isinstance(exc, Conflict) and not form.repeat.data)
    if form.repeat.data:
        conflicts = [{**c, "reason": api_message(c["reason"])} for c in created["conflicts"]]
        return page("staff/booking/series.html", booked=created["booked"], conflicts=conflicts,
                    active_nav="staff.calendar")
    flash(_("Booked: %(name)s on %(when)s with %(therapist)s.", name=full_name(created["client"]),
            when=fmt_datetime(created["start"]), therapist=created["therapist_name"]), "success")
    return redirect(url_for("staff.calendar", view="timeGridWeek", date=created["start"][:10]))


@bp.get("/booking/slots")
@signed_in(*DESK)
def booking_slots():
    """Free slots for the chosen service (and therapist, and client's availability) in the week from the date."""
    code = request.args.get("service_code", "")
    zone = current_tz()
    today = local_today()
    try:
        first = max(dt.date.fromisoformat(request.args.get("date", "")), today)
    except ValueError:
        first = today
    found: list[dict[str, Any]] = []
    if code:
        found = api().get("slots", service_code=code, therapist_id=request.args.get("therapist_id"),
                          client_id=request.args.get("client_id"), **{
                              "from": first.isoformat(), "to": (first + dt.timedelta(days=SLOT_DAYS - 1)).isoformat()})
    return render_block("staff/booking/form.html", "slots", days=slots_by_day(found, zone), asked=bool(code),
                        first=first)
