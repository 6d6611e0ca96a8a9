"""Who sees which tasks: the front desk sees every task, a therapist only the tasks assigned to them."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.errors import Forbidden, not_found
from servicekit.pagination import paginate

from tasks.models import OPEN_STATUSES, Project, Task


def own_therapist_id(principal: Principal) -> str:
    """The therapist id a therapist's token carries; without one they have no work to see."""
    if not principal.therapist_id:
        raise Forbidden("Your account is not linked to a therapist; ask an administrator to link it.")
    return principal.therapist_id


def ensure_may_see(task: Task, principal: Principal) -> None:
    """A therapist (without broader rights) works only on the tasks assigned to them."""
    if principal.is_only_therapist() and task.therapist_id != own_therapist_id(principal):
        raise Forbidden("This task is not assigned to you.")


def get_task(session: Session, task_id: str, principal: Principal) -> Task:
    """The task, if the principal may see it."""
    task = session.get(Task, task_id)
    if task is None:
        raise not_found("Task", task_id)
    ensure_may_see(task, principal)
    return task


def locked_task(session: Session, task_id: str) -> Task:
    """The task row locked until commit, so check-then-update cannot race another request."""
    stmt = (select(Task).where(Task.id == task_id).with_for_update(of=Task)
            # Another request may have changed the row while we waited for the lock: read it afresh.
            .execution_options(populate_existing=True))
    task = session.scalars(stmt).one_or_none()
    if task is None:
        raise not_found("Task", task_id)
    return task


def therapist_filter(principal: Principal, requested: str | None) -> str | None:
    """The therapist a list is limited to: a therapist's own id (asking for another's is refused)."""
    if not principal.is_only_therapist():
        return requested
    own = own_therapist_id(principal)
    if requested and requested != own:
        raise Forbidden("A therapist sees only their own work.")
    return own


def query_tasks(principal: Principal, args: dict[str, Any]) -> Select:
    """Tasks matching the filters that the principal may see, newest first."""
    args = {**args, "therapist_id": therapist_filter(principal, _str(args.get("therapist_id")))}
    stmt = select(Task).order_by(Task.created_at.desc(), Task.id)
    for field in ("quotation_id", "client_id", "therapist_id", "project_id", "status"):
        if args.get(field):
            stmt = stmt.where(getattr(Task, field) == str(args[field]))
    return stmt


def project_page(session: Session, principal: Principal, limit: int,
                 cursor: str | None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Projects with their open task counts (a therapist counts only their own tasks)."""
    projects, headers = paginate(session, select(Project).order_by(Project.name, Project.id), limit, cursor)
    counts = select(Task.project_id, func.count()).where(
        Task.project_id.in_([p.id for p in projects]), Task.status.in_(OPEN_STATUSES)).group_by(Task.project_id)
    mine = therapist_filter(principal, None)
    if mine:
        counts = counts.where(Task.therapist_id == mine)
    open_tasks = {project_id: count for project_id, count in session.execute(counts)}
    rows = [{"id": p.id, "service_code": p.service_code, "name": p.name, "open_tasks": open_tasks.get(p.id, 0)}
            for p in projects]
    return rows, headers


def _str(value: Any) -> str | None:
    return str(value) if value else None
