"""Tasks: the board of therapy tasks by project (unassigned first), assignment, status changes and time logged."""
from __future__ import annotations

from typing import Any, Callable

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from web.access import DESK, SCHEDULE, current_user, nav_item, signed_in
from web.api import api
from web.errors import is_htmx
from web.forms import REQUIRED, CreatingForm, api_message, apply_api_errors, refusal_message
from web.gateway import Conflict, Invalid
from web.i18n import local_today
from web.labels import TASK_STATUSES as STATUS_LABELS
from web.render import page
from web.staff import bp

nav_item("staff.tasks", _l("Tasks"), SCHEDULE, 50)

# The board's columns, left to right: work nobody has yet, then each status.
COLUMNS = [("unassigned", _l("Unassigned"))] + list(STATUS_LABELS.items())
# Open work is shown in full (up to the API's page size); finished work only the most recent.
LIMITS = {"new": 200, "in_progress": 200, "needs_follow_up": 200, "completed": 30, "cancelled": 30}


def columns(by_status: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Tasks per board column: new tasks without a therapist go to 'unassigned', the rest by status."""
    new = by_status.get("new", [])
    board = {"unassigned": [t for t in new if not t.get("therapist_id")],
             "new": [t for t in new if t.get("therapist_id")]}
    board.update({status: by_status.get(status, []) for status in STATUS_LABELS if status != "new"})
    return board


def therapists_for(therapists: list[dict[str, Any]], service_code: str) -> list[dict[str, Any]]:
    """The therapists who give a service (the ones a task of that service may be assigned to)."""
    return [t for t in therapists if service_code in (t.get("service_codes") or [])]


def _filters(source: Any) -> dict[str, str]:
    return {"project": source.get("project", ""), "therapist": source.get("therapist", "")}


def _board(filters: dict[str, str], **extra: Any):
    """The board page (or its board block for htmx) with the filters' tasks."""
    query = {"project_id": filters["project"], "therapist_id": filters["therapist"]}
    client = api()  # captured here: the calls run on other threads, outside this request's context
    calls = {status: (lambda s=status: client.get("tasks", status=s, limit=LIMITS[s], **query))
             for status in STATUS_LABELS}
    found = client.parallel(projects=lambda: client.get("projects", limit=200),
                           therapists=lambda: client.get("therapists", limit=200), **calls)
    truncated = [status for status in STATUS_LABELS if len(found[status]) >= LIMITS[status]]
    user = current_user()
    return page("staff/tasks/board.html", block="board", filters=filters, projects=found["projects"],
                therapists=found["therapists"], names={t["id"]: t["name"] for t in found["therapists"]},
                board=columns(found), columns=COLUMNS, labels=STATUS_LABELS, truncated=truncated,
                may_assign=bool(user and user.holds(*DESK)), therapists_for=therapists_for,
                problems=extra.pop("problems", {}), **extra)


@bp.get("/tasks")
@signed_in(*SCHEDULE)
def tasks():
    """The task board: columns by status with an 'unassigned' column, filtered by project and therapist."""
    return _board(_filters(request.args))


def _refused(task_id: str, filters: dict[str, str], message: str, status: int):
    """The board again with the reason on the task's card (a redirect with it flashed, without htmx)."""
    if not is_htmx():
        flash(message, "warning")
        return redirect(url_for("staff.tasks", **filters))
    return _board(filters, problems={task_id: message}, status=status)


def _act(task_id: str, call: Callable[[], Any], done: str):
    """Run one board action; the board again with a notice, or with the API's reason on the task's card."""
    filters = _filters(request.form)
    try:
        call()
    except (Conflict, Invalid) as exc:
        return _refused(task_id, filters, refusal_message(exc), exc.status)
    if not is_htmx():
        flash(done, "success")
        return redirect(url_for("staff.tasks", **filters))
    return _board(filters, notice=done)


@bp.post("/tasks/<uuid:task_id>/assign")
@signed_in(*DESK)
def assign_task(task_id):
    """Give a task to a therapist (or hand it to another)."""
    therapist_id = request.form.get("therapist_id", "")
    if not therapist_id:
        return _refused(str(task_id), _filters(request.form), _("Choose a therapist first."), 422)
    return _act(str(task_id), lambda: api().post(f"tasks/{task_id}/assign", {"therapist_id": therapist_id}),
                _("The task has been assigned."))


@bp.post("/tasks/<uuid:task_id>/status")
@signed_in(*SCHEDULE)
def change_task_status(task_id):
    """Move a task to one of the statuses the API offers for it."""
    status = request.form.get("status", "")
    if not status:
        return _refused(str(task_id), _filters(request.form), _("Choose a status first."), 422)
    return _act(str(task_id), lambda: api().post(f"tasks/{task_id}/status", {"status": status}),
                _("Status changed to “%(status)s”.", status=STATUS_LABELS.get(status, status)))


class TimeForm(CreatingForm):
    """Time spent on a task and its progress note (therapists)."""

    minutes = IntegerField(_l("Minutes"), validators=[InputRequired(message=REQUIRED), NumberRange(min=1, max=720)])
    work_date = DateField(_l("Date"), validators=[Optional()])
    note = TextAreaField(_l("Progress note"), validators=[Optional()])


class StatusForm(FlaskForm):
    """A status change with its reason."""

    status = SelectField(_l("New status"), validators=[InputRequired(message=REQUIRED)], validate_choice=False)
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional()])


def _detail(task_id: str, time_form: TimeForm | None = None, status_form: StatusForm | None = None,
            status: int = 200, problem: str = ""):
    client = api()
    found = client.parallel(task=lambda: client.get(f"tasks/{task_id}"),
                           entries=lambda: client.get(f"tasks/{task_id}/timesheets"),
                           therapists=lambda: client.get("therapists", limit=200))
    task = found["task"]
    # Each form has its own prefix: both are on the page, and only the one posted reads the request.
    status_form = status_form or StatusForm(formdata=None, prefix="status")
    status_form.status.choices = [("", _("Choose…"))] + [(s, str(STATUS_LABELS.get(s, s)))
                                                          for s in task.get("next_statuses", [])]
    if time_form is None:
        time_form = TimeForm(formdata=None, prefix="time")
        time_form.work_date.data = local_today()
    user = current_user()
    return page("staff/tasks/detail.html", task=task, entries=found["entries"], labels=STATUS_LABELS,
                names={t["id"]: t["name"] for t in found["therapists"]}, time_form=time_form,
                status_form=status_form, problem=problem, status=status,
                may_log=bool(user and user.holds("therapist")))





@bp.get("/tasks/<uuid:task_id>")
@signed_in(*SCHEDULE)
def task(task_id):
    """One task: its details, status and the time logged on it."""
    return _detail(str(task_id))


@bp.post("/tasks/<uuid:task_id>/timesheets")
@signed_in("therapist")
def log_time(task_id):
    """Log minutes and a progress note on a task (the therapist doing the work)."""
    form = TimeForm(prefix="time")
    if not form.validate_on_submit():
        return _detail(str(task_id), time_form=form, status=422)
    body = {"minutes": form.minutes.data, "note": form.note.data or None,
            "work_date": form.work_date.data.isoformat() if form.work_date.data else None}
    try:
        api().post(f"tasks/{task_id}/timesheets", body, idempotency_key=form.idempotency_key.data)
    except Invalid as exc:
        leftover = apply_api_errors(form, exc)
        return _detail(str(task_id), time_form=form, status=exc.status, problem="; ".join(leftover))
    except Conflict as exc:
        return _detail(str(task_id), time_form=form, status=409, problem=api_message(exc.message))
    flash(_("%(minutes)s minutes logged.", minutes=form.minutes.data), "success")
    return redirect(url_for("staff.task", task_id=task_id))


@bp.post("/tasks/<uuid:task_id>/change-status")
@signed_in(*SCHEDULE)
def task_status(task_id):
    """Change a task's status from its page, with a reason."""
    form = StatusForm(prefix="status")
    if not form.validate_on_submit():
        return _detail(str(task_id), status_form=form, status=422)
    try:
        api().post(f"tasks/{task_id}/status", {"status": form.status.data, "reason": form.reason.data or None})
    except Invalid as exc:
        leftover = apply_api_errors(form, exc)
        return _detail(str(task_id), status_form=form, status=exc.status, problem="; ".join(leftover))
    except Conflict as exc:
        return _detail(str(task_id), status_form=form, status=409, problem=api_message(exc.message))
    flash(_("Status changed to “%(status)s”.", status=STATUS_LABELS.get(form.status.data, form.status.data)),
          "success")
    return redirect(url_for("staff.task", task_id=task_id))
