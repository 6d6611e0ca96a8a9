"""The appointment panel: who, what, when, its status and history, and the lifecycle actions the role may take."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from flask import flash, redirect, request, url_for
from flask_babel import LazyString, gettext as _, lazy_gettext as _l, lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from web.access import DESK, SCHEDULE, current_user, signed_in
from web.api import api
from web.errors import _local, is_htmx
from web.forms import apply_api_errors, refusal_message
from web.gateway import Conflict, Invalid
from web.i18n import current_tz, fmt_datetime, parse_time
from web.labels import APPOINTMENT_STATUSES as STATUS_LABELS, SOURCES
from web.render import page
from web.staff import bp

# History words carry a context: "Booked" is what happened to a session here, a count of hours elsewhere.
HISTORY_LABELS = {"booked": lazy_pgettext("appointment history", "Booked"),
                  "confirm": lazy_pgettext("appointment history", "Confirmed"),
                  "request_cancel": lazy_pgettext("appointment history", "Cancellation requested"),
                  "withdraw_cancel": lazy_pgettext("appointment history", "Cancellation request withdrawn"),
                  "accept_cancel": lazy_pgettext("appointment history", "Cancellation accepted"),
                  "cancel": lazy_pgettext("appointment history", "Cancelled"),
                  "complete": lazy_pgettext("appointment history", "Completed"),
                  "no_show": lazy_pgettext("appointment history", "Marked as a no-show"),
                  "reschedule": lazy_pgettext("appointment history", "Rescheduled"),
                  "accept_offer": lazy_pgettext("appointment history", "Booked from the wait list")}
ACTOR_LABELS = {"staff": _l("Staff"), "guardian": _l("Family"), "system": _l("System")}
CANCELLABLE = ("booked", "confirmed", "pending_cancel")
MOVABLE = ("booked", "confirmed")


@dataclass(frozen=True)
class Action:
    """A one-click lifecycle action: its API path segment, its button, when and to whom it is offered."""

    name: str
    label: LazyString
    statuses: tuple[str, ...]
    roles: tuple[str, ...]
    after_start: bool = False
    done: LazyString | None = None


# The buttons mirror what the booking API accepts (its transition table and access rules); the API stays
# the judge: anything it refuses anyway comes back as a 409 and is said in the panel.
ACTIONS = (
    Action("confirm", _l("Confirm"), ("booked",), DESK, done=_l("The session is confirmed.")),
    Action("complete", _l("Mark completed"), MOVABLE, SCHEDULE, True, _l("The session is marked completed.")),
    Action("no-show", _l("Mark as a no-show"), MOVABLE, SCHEDULE, True, _l("The session is marked as a no-show.")),
    Action("accept-cancel", _l("Accept the cancellation"), ("pending_cancel",), DESK,
           done=_l("The cancellation is accepted.")),
    Action("withdraw-cancel", _l("Keep the session"), ("pending_cancel",), DESK,
           done=_l("The cancellation request is withdrawn; the session stays.")),
)
BY_NAME = {action.name: action for action in ACTIONS}


def offered_actions(status: str, holds: Callable[..., bool], started: bool) -> list[Action]:
    """The one-click actions to offer for a session in `status`, to someone holding roles per `holds`."""
    return [a for a in ACTIONS if status in a.statuses and holds(*a.roles) and (started or not a.after_start)]


def full_name(person: Mapping[str, Any]) -> str:
    """"Lina Martin" from a child's or guardian's first and last names."""
    return f"{person['first_name']} {person['last_name']}"


def local_start(day: dt.date, time: dt.time) -> str:
    """A date and wall-clock time of the centre as RFC 3339 with the centre's offset."""
    return dt.datetime.combine(day, time).replace(tzinfo=current_tz()).isoformat()


class CancelForm(FlaskForm):
    """Why a session is cancelled (prefixed: the panel shares its page with other forms)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="cancel", **kwargs)

    reason = TextAreaField(_l("Reason for cancelling"), validators=[DataRequired(), Length(max=1000)])


class RescheduleForm(FlaskForm):
    """A new time (the centre's wall clock), therapist, and the reasons (prefixed like CancelForm)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="move", **kwargs)

    date = DateField(_l("New date"), validators=[DataRequired()])
    time = TimeField(_l("New time"), validators=[DataRequired()])
    therapist_id = SelectField(_l("Therapist"), choices=[], validate_choice=False)
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=1000)])
    override_reason = StringField(_l("Override reason"), validators=[Optional(), Length(max=1000)])


def _context(appointment_id: str) -> dict[str, Any]:
    """The appointment, its history and the names its ids stand for (five calls at once)."""
    client = api()
    data = client.parallel(
        appointment=lambda: client.get(f"appointments/{appointment_id}"),
        history=lambda: client.get(f"appointments/{appointment_id}/history", limit=200),
        therapists=lambda: client.get("therapists", limit=200),
        rooms=lambda: client.get("rooms", limit=200),
        services=lambda: client.get("service-types", limit=200))
    appointment = data["appointment"]
    user = current_user()
    started = parse_time(appointment["start"]) <= dt.datetime.now(dt.timezone.utc)
    return {"appointment": appointment, "history": data["history"],
            "therapist_names": {t["id"]: t["name"] for t in data["therapists"]},
            "therapists": [t for t in data["therapists"] if appointment["service_code"] in t["service_codes"]],
            "room_names": {r["id"]: r["name"] for r in data["rooms"]},
            "service_names": {s["code"]: s["name"] for s in data["services"]},
            "actions": offered_actions(appointment["status"], user.holds, started) if user else [],
            "may_cancel": bool(user and user.holds(*DESK)) and appointment["status"] in CANCELLABLE,
            "may_move": bool(user and user.holds(*DESK)) and appointment["status"] in MOVABLE,
            "labels": {"status": STATUS_LABELS, "history": HISTORY_LABELS, "actor": ACTOR_LABELS,
                       "source": SOURCES}}


def _move_form(context: dict[str, Any], form: RescheduleForm | None = None) -> RescheduleForm:
    """The reschedule form (as posted, or at the session's time and therapist) offering who gives its service."""
    appointment = context["appointment"]
    if form is None:
        start = parse_time(appointment["start"]).astimezone(current_tz())
        form = RescheduleForm(formdata=None, date=start.date(), time=start.time().replace(second=0),
                              therapist_id=appointment["therapist_id"])
    form.therapist_id.choices = [(t["id"], t["name"]) for t in context["therapists"]]
    return form


def _panel(appointment_id: str, *, status: int = 200, message: str | None = None, problem: str | None = None,
           cancel_form: CancelForm | None = None, move_form: RescheduleForm | None = None,
           changed: bool = False, conflict: bool = False):
    """The panel: the whole page, or its block for htmx (with a trigger telling the calendar to refresh)."""
    context = _context(appointment_id)
    failed = status >= 400
    open_form = "cancel" if failed and cancel_form else "move" if failed and move_form else None
    body, code = page("staff/appointments/panel.html", block="panel", status=status, message=message,
                      problem=problem, conflict=conflict, open_form=open_form, active_nav="staff.calendar",
                      cancel_form=cancel_form or CancelForm(formdata=None), move_form=_move_form(context, move_form),
                      **context)
    headers = {"HX-Trigger": "appointment-changed"} if changed else {}
    return body, code, headers


def _done(appointment_id: str, message: str):
    """After a change: the refreshed panel for htmx, else back to the panel page with the message."""
    if is_htmx():
        return _panel(appointment_id, message=message, changed=True)
    flash(message, "success")
    return redirect(_back() or url_for("staff.appointment", appointment_id=appointment_id))


def _back() -> str:
    """The page a plain form came from and asks to return to (My day), when it is one of ours."""
    return _local(request.form.get("next", ""))


def _refused(appointment_id: str, exc: Conflict | Invalid, form: FlaskForm | None = None, **forms: Any):
    """A refusal the person can act on, said in the panel (409/422 are swapped in place by htmx).

    Messages naming a field of `form` go beside it; the others (a 409's reason) above the actions.
    """
    if form is not None:
        leftover = apply_api_errors(form, exc, {"start": "time"})
    else:
        leftover = [refusal_message(exc)]
    return _panel(appointment_id, status=exc.status, problem=" ".join(leftover) or None,
                  conflict=isinstance(exc, Conflict), **forms)


@bp.get("/appointments/<uuid:appointment_id>")
@signed_in(*SCHEDULE)
def appointment(appointment_id):
    """One session: child, guardian, service, therapist, room, status, history and actions."""
    return _panel(str(appointment_id))


@bp.post("/appointments/<uuid:appointment_id>/<any(confirm, complete, 'no-show', 'accept-cancel', "
         "'withdraw-cancel'):action>")
@signed_in(*SCHEDULE)
def act(appointment_id, action: str):
    """Confirm, complete, mark a no-show, accept or withdraw a cancellation request."""
    try:
        api().post(f"appointments/{appointment_id}/{action}")
    except (Conflict, Invalid) as exc:
        if _back() and not is_htmx():  # back where the button was, with the reason
            flash(refusal_message(exc), "warning")
            return redirect(_back())
        return _refused(str(appointment_id), exc)
    return _done(str(appointment_id), str(BY_NAME[action].done))


@bp.post("/appointments/<uuid:appointment_id>/cancel")
@signed_in(*DESK)
def cancel(appointment_id):
    """Cancel a session, with the reason the family and the history will show."""
    form = CancelForm()
    if not form.validate():
        return _panel(str(appointment_id), status=422, cancel_form=form)
    try:
        api().post(f"appointments/{appointment_id}/cancel", {"reason": form.reason.data.strip()})
    except (Conflict, Invalid) as exc:
        return _refused(str(appointment_id), exc, form, cancel_form=form)
    return _done(str(appointment_id), _("The session is cancelled."))


@bp.post("/appointments/<uuid:appointment_id>/reschedule")
@signed_in(*DESK)
def reschedule(appointment_id):
    """Move a session to another time or therapist; with an override reason, over a conflict."""
    form = RescheduleForm()
    if not form.validate():
        return _panel(str(appointment_id), status=422, move_form=form)
    body = {"start": local_start(form.date.data, form.time.data), "therapist_id": form.therapist_id.data or None,
            "reason": (form.reason.data or "").strip() or None,
            "override_reason": (form.override_reason.data or "").strip() or None}
    try:
        moved = api().post(f"appointments/{appointment_id}/reschedule", body)
    except (Conflict, Invalid) as exc:
        return _refused(str(appointment_id), exc, form, move_form=form)
    return _done(str(appointment_id), _("The session is moved to %(when)s.", when=fmt_datetime(moved["start"])))
