"""Closures: days or spans when the whole centre is closed; sessions already booked inside are listed to move.

Time off (therapists.py) is the same kind of span for one therapist: the span form and the list of clashing
sessions live here and serve both.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField, StringField
from wtforms.validators import DataRequired, Length, Optional

from web.access import ADMIN, signed_in
from web.api import api
from web.forms import CreatingForm, apply_api_errors
from web.gateway import Invalid
from web.i18n import current_tz, fmt_date, fmt_datetime, fmt_time, local_today, parse_time
from web.render import page
from web.staff import bp
from web.staff.client_pages import optional_url

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]  # what <input type="datetime-local"> sends
CLASH_LOOKUP_LIMIT = 200  # one call finds the details of at most this many clashing sessions
TEMPLATE = "staff/settings/closures/list.html"


class SpanForm(CreatingForm):
    """A whole day, or a start and an end in the centre's time; the API judges which combination is valid."""

    date = DateField(_l("Whole day"), validators=[Optional()])
    start = DateTimeLocalField(_l("From"), format=LOCAL_FORMATS, validators=[Optional()])
    end = DateTimeLocalField(_l("Until"), format=LOCAL_FORMATS, validators=[Optional()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])

    def payload(self) -> dict[str, Any]:
        """The span as the booking API takes it (`date`, or `start`/`end` with the centre's offset)."""
        body: dict[str, Any] = {"reason": (self.reason.data or "").strip() or None}
        if self.date.data:
            body["date"] = self.date.data.isoformat()
        for name in ("start", "end"):
            moment = getattr(self, name).data
            if moment:
                body[name] = moment.replace(tzinfo=current_tz()).isoformat()
        return body


class ClosureForm(SpanForm):
    """A closure needs its reason (staff read it in the calendar)."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])


def span_label(start: str, end: str) -> str:
    """'Thursday 24 December 2026', '24 Dec 2026 – 26 Dec 2026' for whole days, else the times it runs."""
    first, last = parse_time(start), parse_time(end)
    if first is None or last is None:
        return ""
    first, last = first.astimezone(current_tz()), last.astimezone(current_tz())
    if first.time() == dt.time() and last.time() == dt.time():
        days = (last.date() - first.date()).days
        final = last.date() - dt.timedelta(days=1)
        return fmt_date(first.date(), "full") if days <= 1 else f"{fmt_date(first.date())} – {fmt_date(final)}"
    return f"{fmt_datetime(first)} – {fmt_time(last) if last.date() == first.date() else fmt_datetime(last)}"


def clashing(span: dict[str, Any], therapist_id: str | None = None) -> list[dict[str, Any]]:
    """The sessions a new closure or time off leaves booked: details for all of them in one call."""
    ids = span.get("clashing_appointment_ids") or []
    if not ids:
        return []
    first, last = parse_time(span["start"]), parse_time(span["end"])
    params = {"from": first.astimezone(current_tz()).date().isoformat(),
              "to": last.astimezone(current_tz()).date().isoformat()}
    found = api().get("appointments", therapist_id=therapist_id, limit=CLASH_LOOKUP_LIMIT, **params)
    by_id = {item["id"]: item for item in found}
    return [{**by_id.get(i, {"id": i}), "url": optional_url("staff.appointment", appointment_id=i)} for i in ids]


def _page(form: ClosureForm, *, status: int = 200, **context: Any):
    closures = api().get("closures", limit=200, **{"from": local_today().isoformat()})
    return page(TEMPLATE, block="closures", status=status, form=form, closures=closures,
                span_label=span_label, **context)


@bp.get("/settings/closures")
@signed_in(*ADMIN)
def settings_closures():
    """Closures from today on, and a form to add one."""
    return _page(ClosureForm(formdata=None))


@bp.post("/settings/closures")
@signed_in(*ADMIN)
def settings_closure_create():
    """Close the centre for a day or a span; the sessions already booked inside it are listed to move."""
    form = ClosureForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        closure = api().post("closures", form.payload(), idempotency_key=form.idempotency_key.data)
    except Invalid as exc:
        return _page(form, status=422, problem=" ".join(apply_api_errors(form, exc)))
    return _page(ClosureForm(formdata=None), added=closure, clashes=clashing(closure))


@bp.post("/settings/closures/<uuid:closure_id>/delete")
@signed_in(*ADMIN)
def settings_closure_delete(closure_id):
    """Reopen: remove a closure."""
    api().delete(f"closures/{closure_id}")
    return _page(ClosureForm(formdata=None), removed=True)
