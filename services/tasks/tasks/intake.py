"""From a signed quotation to therapy tasks: one task per line, under the project of its therapy type."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.messaging import add_event

from tasks.models import MAX_TITLE, Project, Task


def task_title(service_name: str, kind: str, quantity: int, sessions: int, client_name: str) -> str:
    """E.g. "Occupational Therapy — 10-session package for Lina Dupont"."""
    if kind == "package":
        per_item = max(sessions // quantity, 1)
        work = f"{per_item}-session package" if quantity == 1 else f"{quantity} × {per_item}-session package"
    else:
        work = "single session" if sessions == 1 else f"{sessions} sessions"
    title = f"{service_name} — {work}" + (f" for {client_name}" if client_name else "")
    return title[:MAX_TITLE]


def project_for(session: Session, service_code: str, service_name: str) -> Project:
    """The project of a therapy type, created the first time a task needs it."""
    project = session.scalars(select(Project).where(Project.service_code == service_code)).first()
    if project is None:
        project = Project(service_code=service_code, name=f"{service_name} Clients")
        session.add(project)
        session.flush()
    return project


def _existing(session: Session, quotation_id: str, line_id: str) -> Task | None:
    return session.scalars(select(Task).where(Task.quotation_id == quotation_id,
                                              Task.quotation_line_id == line_id)).first()


def tasks_from_quotation(session: Session, data: dict[str, Any]) -> list[Task]:
    """`quotation.signed`: a `new` task per line not seen before; publishes `task.created` for each."""
    created = []
    for line in data["lines"]:
        # Another event for the same quotation (a re-signature, a duplicate) finds its tasks already there.
        if _existing(session, data["quotation_id"], line["line_id"]) is not None:
            continue
        created.append(_create_task(session, data, line))
    return created


def _create_task(session: Session, data: dict[str, Any], line: dict[str, Any]) -> Task:
    service_name = line["service_name"] or line["service_code"]
    client_name = (data["client_name"] or "").strip()
    task = Task(
        project=project_for(session, line["service_code"], service_name), quotation_id=data["quotation_id"],
        quotation_line_id=line["line_id"], client_id=data["client_id"], client_name=client_name,
        service_code=line["service_code"], kind=line["kind"], quantity=line["quantity"],
        sessions=line["sessions"], unit_price_minor=line["unit_price"], currency=data["currency"],
        title=task_title(service_name, line["kind"], line["quantity"], line["sessions"], client_name),
        status="new",
    )
    session.add(task)
    session.flush()
    add_event(session, "task.created", {
        "task_id": task.id, "project": task.project.name, "client_id": task.client_id,
        "quotation_id": task.quotation_id, "quotation_line_id": task.quotation_line_id,
        "service_code": task.service_code, "sessions": task.sessions,
    })
    return task
