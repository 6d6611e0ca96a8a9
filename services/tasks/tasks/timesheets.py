"""Time and progress notes on tasks. Notes are clinical: only the task's therapist and admins read them."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit.auth import ADMIN, Principal
from servicekit.errors import Conflict, field_error

from tasks import worklist
from tasks.models import Task, Timesheet

_CLOSED = {
    "completed": "The task is completed, and completed tasks are final; log time before completing a task.",
    "cancelled": "The task is cancelled; time cannot be logged on a cancelled task.",
}


def center_today(timezone: str) -> dt.date:
    """Today's date at the center (a late-evening entry belongs to the center's day, not UTC's)."""
    return dt.datetime.now(ZoneInfo(timezone)).date()


def log_time(session: Session, task_id: str, principal: Principal, data: dict[str, Any],
             timezone: str) -> Timesheet:
    """Record minutes and a progress note on a task the caller works on."""
    # The lock orders this entry before or after a completion, never beside it.
    task = worklist.locked_task(session, task_id)
    worklist.ensure_may_see(task, principal)
    today = center_today(timezone)
    work_date = data.get("work_date") or today
    if work_date > today:
        raise field_error("work_date", f"Must not be in the future (today is {today.isoformat()} at the center).")
    if task.status in _CLOSED:
        raise Conflict(_CLOSED[task.status])
    if task.therapist_id is None:
        raise Conflict("The task has no therapist; assign a therapist first, then log time on it.")
    entry = Timesheet(task_id=task.id, therapist_id=principal.therapist_id or task.therapist_id,
                      logged_by=principal.user_id, minutes=data["minutes"], note=data.get("note"),
                      work_date=work_date)
    session.add(entry)
    session.flush()
    return entry


def may_read_notes(task: Task, principal: Principal) -> bool:
    """Progress notes: the assigned therapist and admins, never the front desk."""
    own = principal.therapist_id is not None and principal.therapist_id == task.therapist_id
    return own or principal.has_any([ADMIN])


def task_timesheets(session: Session, task_id: str, principal: Principal) -> list[dict[str, Any]]:
    """The task's time entries, oldest first; notes withheld from those who may not read them."""
    task = worklist.get_task(session, task_id, principal)
    entries = session.scalars(select(Timesheet).where(Timesheet.task_id == task.id)
                              .order_by(Timesheet.work_date, Timesheet.logged_at, Timesheet.id))
    show_notes = may_read_notes(task, principal)
    return [_view(entry, show_notes) for entry in entries]


def query_timesheets(principal: Principal, args: dict[str, Any]) -> Select:
    """A therapist's own entries (admins: anyone's), newest first, within `from`..`to` when given."""
    requested = str(args["therapist_id"]) if args.get("therapist_id") else None
    stmt = select(Timesheet).order_by(Timesheet.work_date.desc(), Timesheet.logged_at.desc(), Timesheet.id)
    therapist_id = worklist.therapist_filter(principal, requested)
    if therapist_id:
        stmt = stmt.where(Timesheet.therapist_id == therapist_id)
    if args.get("from_"):
        stmt = stmt.where(Timesheet.work_date >= args["from_"])
    if args.get("to"):
        stmt = stmt.where(Timesheet.work_date <= args["to"])
    return stmt


def _view(entry: Timesheet, show_note: bool) -> dict[str, Any]:
    return {"id": entry.id, "task_id": entry.task_id, "therapist_id": entry.therapist_id,
            "minutes": entry.minutes, "note": entry.note if show_note else None,
            "work_date": entry.work_date, "logged_at": entry.logged_at}
