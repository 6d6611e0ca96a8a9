"""The family's sessions (Therabill's portal): upcoming and past per child, with Confirm, Cancel and the
"change" that takes a cancellation request back.

The booking API is the judge of every action (a family may confirm a booked session, ask to cancel a booked or
confirmed one — the centre decides —, withdraw that request); the buttons mirror its transition table, and a
refusal (409) is said in place. A family's token lists only its own children's sessions.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import Length, Optional

from web.access import signed_in
from web.api import api
from web.i18n import local_today, parse_time
from web.labels import APPOINTMENT_STATUSES as STATUS_LABELS
from web.portal import answer, bp

UPCOMING = ("held", "booked", "confirmed", "pending_cancel")
DEFAULT_PAST_DAYS, DEFAULT_AHEAD_DAYS, LONGEST_RANGE_DAYS = 90, 180, 366
# A status as the family reads it: "confirmed" is their own answer.
FAMILY_WORDS = {"confirmed": _l("Confirmed by you"), "pending_cancel": _l("Cancellation requested — the centre will confirm")}


class RangeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=1000)])


@dataclass(frozen=True)
class Child:
    name: str
    upcoming: list[dict[str, Any]]
    past: list[dict[str, Any]]


def date_range(form: RangeForm, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days asked for (by default the last 90 and the next 180), the end never before the start, and at most
    a year long so that one page stays one page."""
    first = form.start.data or today - dt.timedelta(days=DEFAULT_PAST_DAYS)
    last = form.end.data or today + dt.timedelta(days=DEFAULT_AHEAD_DAYS)
    if last < first:
        first, last = last, first
    return first, min(last, first + dt.timedelta(days=LONGEST_RANGE_DAYS))


def late_notice(appointment: dict[str, Any], services: dict[str, dict[str, Any]], now: dt.datetime) -> bool:
    """Whether asking to cancel now falls inside the service's late-cancellation window."""
    hours = (services.get(appointment["service_code"]) or {}).get("late_cancel_hours") or 0
    start = parse_time(appointment["start"])
    return bool(hours and start and now < start <= now + dt.timedelta(hours=hours))


def by_child(appointments: list[dict[str, Any]], now: dt.datetime) -> list[Child]:
    """Sessions grouped per child (by name), upcoming soonest first, past most recent first."""
    children: dict[str, tuple[list, list]] = {}
    for item in appointments:
        name = f"{item['client']['first_name']} {item['client']['last_name']}"
        upcoming, past = children.setdefault(name, ([], []))
        start = parse_time(item["start"])
        (upcoming if item["status"] in UPCOMING and start and start > now else past).append(item)
    return [Child(name, sorted(up, key=lambda a: a["start"]), sorted(old, key=lambda a: a["start"], reverse=True))
            for name, (up, old) in sorted(children.items())]


def _sessions(first: dt.date, last: dt.date) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The family's sessions in the range, and the service types by code (names, late-cancellation window)."""
    client = api()
    found = client.parallel(
        appointments=lambda: client.get("appointments", limit=200, **{"from": first.isoformat(),
                                                                       "to": last.isoformat()}),
        services=lambda: client.get("service-types", limit=200))
    return found["appointments"], {s["code"]: s for s in found["services"]}


@bp.get("/appointments")
@signed_in("client")
def appointments():
    """Upcoming and past sessions per child, within a date range."""
    form = RangeForm(request.args)
    form.validate()
    first, last = date_range(form, local_today())
    form.start.data, form.end.data = first, last
    items, services = _sessions(first, last)
    now = dt.datetime.now(dt.timezone.utc)
    return render_template("portal/appointments.html", form=form, children=by_child(items, now), services=services,
                           late={a["id"]: late_notice(a, services, now) for a in items},
                           labels={**STATUS_LABELS, **FAMILY_WORDS}, cancel_form=CancelForm())


def _back():
    return redirect(url_for("portal.appointments", **{k: v for k, v in request.args.items() if k in ("start", "end")}))


@bp.post("/appointments/<uuid:appointment_id>/<any(confirm, 'withdraw-cancel'):action>")
@signed_in("client")
def act(appointment_id, action: str):
    """Confirm a session, or take a cancellation request back (the centre is told)."""
    answer(f"appointments/{appointment_id}/{action}", {}, _("Thank you: the session is confirmed.") if action == "confirm"
           else _("Your cancellation request is withdrawn: the session goes ahead."))
    return _back()


@bp.post("/appointments/<uuid:appointment_id>/cancel")
@signed_in("client")
def cancel(appointment_id):
    """Ask the centre to cancel a session (it becomes "cancellation requested" until the centre decides)."""
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("The page expired; please try again."), "warning")
        return _back()
    reason = (form.reason.data or "").strip()
    answer(f"appointments/{appointment_id}/cancel", {"reason": reason} if reason else {},
           _("Your request is sent: the centre will confirm the cancellation."))
    return _back()
