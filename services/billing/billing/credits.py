"""Package credits: the sessions a signed package prepaid, drawn down as package tasks complete."""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal

from billing import families
from billing.models import CreditUse, PackageCredit

log = logging.getLogger(__name__)


class CreditNotOpenedYet(Exception):
    """A package task completed before billing saw the package's `quotation.signed`.

    Events from different producers may arrive in any order, so the consumer lets the message be
    retried (and, if the package never shows up, dead-lettered) rather than losing the session count.
    """


def _credit_stmt(quotation_id: str, line_id: str) -> Select:
    return select(PackageCredit).where(PackageCredit.quotation_id == quotation_id,
                                       PackageCredit.quotation_line_id == line_id)


def open_credit(session: Session, data: dict[str, Any], line: dict[str, Any]) -> PackageCredit | None:
    """A package line of a signed quotation opens a credit of its sessions, once."""
    if session.scalars(_credit_stmt(data["quotation_id"], line["line_id"])).first():
        return None
    credit = PackageCredit(client_id=data["client_id"], quotation_id=data["quotation_id"],
                           quotation_line_id=line["line_id"], service_code=line.get("service_code"),
                           sessions_total=int(line["sessions"]), sessions_used=0)
    session.add(credit)
    session.flush()
    return credit


def consume(session: Session, task_id: str, package_credit: dict[str, Any]) -> CreditUse | None:
    """Draw a completed package task's sessions from its credit, once per task and never past the total."""
    if session.scalars(select(CreditUse.id).where(CreditUse.task_id == task_id)).first():
        return None
    stmt = _credit_stmt(package_credit["quotation_id"], package_credit["quotation_line_id"])
    # Locked: competing consumers completing tasks of the same package must not lose an update.
    credit = session.scalars(stmt.with_for_update().execution_options(populate_existing=True)).first()
    if credit is None:
        raise CreditNotOpenedYet(f"no package credit yet for quotation {package_credit['quotation_id']} "
                                 f"line {package_credit['quotation_line_id']}; retry after quotation.signed")
    wanted = int(package_credit["sessions"])
    sessions = min(wanted, credit.sessions_left)
    if sessions < wanted:
        log.warning("task %s used %d sessions but package credit %s had only %d left",
                    task_id, wanted, credit.id, credit.sessions_left)
    credit.sessions_used += sessions
    use = CreditUse(credit_id=credit.id, task_id=task_id, sessions=sessions)
    session.add(use)
    session.flush()
    return use


def sessions_left(session: Session, client_id: str) -> int:
    """Prepaid package sessions the client still has, over all their packages."""
    stmt = select(func.coalesce(func.sum(PackageCredit.sessions_total - PackageCredit.sessions_used), 0)).where(
        PackageCredit.client_id == client_id)
    return int(session.scalar(stmt) or 0)


def query(principal: Principal, args: dict[str, Any]) -> Select:
    """Package credits, oldest first; a family sees only its own."""
    stmt = select(PackageCredit).order_by(PackageCredit.created_at, PackageCredit.id)
    return families.scoped(stmt, PackageCredit.client_id, principal, args.get("client_id"))
