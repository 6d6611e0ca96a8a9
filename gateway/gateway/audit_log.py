"""Reading the audit log (the owner's search and its CSV) and keeping it no longer than AUDIT_RETENTION_YEARS."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, or_, select, text
from sqlalchemy.orm import Session

from servicekit.db import LIKE_ESCAPE, contains_pattern, utcnow

from gateway.config import GatewaySettings
from gateway.models import AuditEvent

_USER_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
CSV_COLUMNS = ("occurred_at", "action", "outcome", "status", "actor_id", "actor_role", "actor_email",
               "subject_type", "subject_id", "address", "request_id", "detail")
CSV_MAX_ROWS = 10_000  # one download; narrow the filters for more


def _day_start(day: dt.date, timezone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZoneInfo(timezone))


def query(args: dict[str, Any], timezone: str) -> Select:
    """The log, newest first, as filtered: days in the centre's zone (`to` included), the actor by id or part of
    the e-mail, the action by name or by prefix ("auth" finds "auth.login"), the subject's id, the outcome."""
    stmt = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if args.get("from_"):
        stmt = stmt.where(AuditEvent.occurred_at >= _day_start(args["from_"], timezone))
    if args.get("to"):
        stmt = stmt.where(AuditEvent.occurred_at < _day_start(args["to"] + dt.timedelta(days=1), timezone))
    actor = (args.get("actor") or "").strip()
    if _USER_ID.match(actor):
        stmt = stmt.where(AuditEvent.actor_id == actor.lower())
    elif actor:
        stmt = stmt.where(AuditEvent.actor_email.ilike(contains_pattern(actor), escape=LIKE_ESCAPE))
    action = (args.get("action") or "").strip().rstrip(".*")
    if action:
        stmt = stmt.where(or_(AuditEvent.action == action,
                              AuditEvent.action.like(contains_pattern(action)[1:-1] + ".%", escape=LIKE_ESCAPE)))
    if args.get("subject_id"):
        stmt = stmt.where(AuditEvent.subject_id == args["subject_id"].strip())
    if args.get("outcome"):
        stmt = stmt.where(AuditEvent.outcome == args["outcome"])
    return stmt


def as_csv(rows: Iterable[AuditEvent]) -> str:
    """The rows as CSV (UTF-8, a header line); a cell a spreadsheet would run as a formula is quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = [row.occurred_at.isoformat(), row.action, row.outcome, row.status, row.actor_id, row.actor_role,
                  row.actor_email, row.subject_type, row.subject_id, row.address, row.request_id,
                  _detail_text(row.detail)]
        writer.writerow([_cell(value) for value in values])
    return out.getvalue()


def _detail_text(detail: dict[str, Any] | None) -> str:
    return json.dumps(detail, sort_keys=True, ensure_ascii=False) if detail else ""


def _cell(value: Any) -> Any:
    # OWASP CSV injection: a cell starting with = + - @ (an e-mail tried at sign-in may) is text, not a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def purge(session: Session, settings: GatewaySettings) -> int:
    """The relay's daily job: delete the lines older than the retention period (the only deletion allowed)."""
    cutoff = utcnow() - dt.timedelta(days=round(365.25 * settings.audit_retention_years))
    if session.get_bind().dialect.name == "postgresql":
        # The append-only trigger (migration 0008) lets a DELETE through only in a transaction that says this.
        session.execute(text("SET LOCAL audit.purging = 'on'"))
    return session.execute(delete(AuditEvent).where(AuditEvent.occurred_at < cutoff)).rowcount or 0
