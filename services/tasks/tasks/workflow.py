"""A task's life: assignment, the status transition table, and completion (what billing receives)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.db import utcnow
from servicekit.errors import Conflict
from servicekit.messaging import add_event
from servicekit.money import format_minor

from tasks import worklist
from tasks.models import StatusChange, Task

# Where a task may go from each status; completed and cancelled are final.
# new -> completed is allowed: a single session often goes straight to done.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"in_progress", "completed", "cancelled"}),
    "in_progress": frozenset({"completed", "needs_follow_up", "cancelled"}),
    "needs_follow_up": frozenset({"in_progress", "completed", "cancelled"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}
TARGET_STATUSES = ("in_progress", "completed", "needs_follow_up", "cancelled")
# Work statuses mean someone is doing the work: they need a therapist.
NEEDS_THERAPIST = frozenset({"in_progress", "completed", "needs_follow_up"})


def refusal(from_status: str, to_status: str, assigned: bool) -> str | None:
    """Why a task may not move from `from_status` to `to_status` (None when it may)."""
    if from_status == "cancelled" and to_status == "completed":
        return "A cancelled task cannot be completed."
    if from_status == to_status:
        return f"The task is already {from_status}."
    if not TRANSITIONS[from_status]:
        return f"The task is {from_status}, which is final; its status can no longer change."
    if to_status not in TRANSITIONS[from_status]:
        allowed = ", ".join(sorted(TRANSITIONS[from_status]))
        return f"A task cannot go from {from_status} to {to_status}; from {from_status} it can go to: {allowed}."
    if to_status in NEEDS_THERAPIST and not assigned:
        return f"The task has no therapist; assign a therapist first, then mark it {to_status}."
    return None


def next_statuses(from_status: str, assigned: bool) -> list[str]:
    """The statuses a task may move to now, in the table's order (what a screen offers)."""
    return [to for to in TARGET_STATUSES if refusal(from_status, to, assigned) is None]


def assign(session: Session, task_id: str, therapist_id: str) -> Task:
    """Give the task to a therapist (or hand it to another); publishes `task.assigned`."""
    task = worklist.locked_task(session, task_id)
    if task.status in ("completed", "cancelled"):
        raise Conflict(f"The task is {task.status}; a {task.status} task can no longer be (re)assigned.")
    if task.therapist_id == therapist_id:
        return task
    task.therapist_id = therapist_id
    task.assigned_at = utcnow()
    session.flush()
    add_event(session, "task.assigned", {
        "task_id": task.id, "client_id": task.client_id, "therapist_id": therapist_id,
        "service_code": task.service_code, "quotation_id": task.quotation_id,
    })
    return task


def change_status(session: Session, task_id: str, principal: Principal, to_status: str,
                  reason: str | None = None) -> Task:
    """Move the task along the transition table; publishes `task.status_changed` (and `task.completed`)."""
    task = worklist.locked_task(session, task_id)
    worklist.ensure_may_see(task, principal)
    why_not = refusal(task.status, to_status, task.therapist_id is not None)
    if why_not:
        raise Conflict(why_not)
    from_status, now = task.status, utcnow()
    task.status = to_status
    if to_status == "completed":
        task.completed_at = now
    session.add(StatusChange(task_id=task.id, from_status=from_status, to_status=to_status,
                             changed_by=principal.user_id, changed_at=now, reason=reason))
    session.flush()
    add_event(session, "task.status_changed", {
        "task_id": task.id, "client_id": task.client_id, "from_status": from_status, "to_status": to_status,
        "changed_at": now.isoformat(),
    })
    if to_status == "completed":
        session.refresh(task, ["minutes_logged"])
        add_event(session, "task.completed", completion_payload(task))
    return task


def completion_payload(task: Task) -> dict[str, Any]:
    """`task.completed`: billable work for a single session, a package credit for a prepaid package."""
    single = task.kind == "single"
    return {
        "task_id": task.id, "project": task.project.name, "client_id": task.client_id,
        "client_name": task.client_name, "quotation_id": task.quotation_id,
        "quotation_line_id": task.quotation_line_id, "service_code": task.service_code,
        "therapist_id": task.therapist_id, "minutes_logged": task.minutes_logged,
        "completed_at": task.completed_at.isoformat() if task.completed_at else None, "currency": task.currency,
        "billable": {"description": task.title, "quantity": task.quantity,
                     "unit_price": format_minor(task.unit_price_minor)} if single else None,
        "package_credit": None if single else {"quotation_id": task.quotation_id,
                                               "quotation_line_id": task.quotation_line_id,
                                               "sessions": task.sessions},
    }
