"""Message templates: admin-editable Jinja texts (sandboxed), their validation, and the date formats they use."""
from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Template, TemplateError, TemplateSyntaxError, meta
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.errors import field_error, not_found

from notifications import sandbox
from notifications.default_templates import DEFAULTS, sample
from notifications.models import KINDS, MessageTemplate

log = logging.getLogger(__name__)

SMS_MAX_CHARS = 1600  # the longest message an SMS provider accepts (it is split into parts)
_ENV = sandbox.environment()


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


@dataclass(frozen=True)
class TemplateText:
    kind: str
    subject: str
    body: str
    sms_text: str | None
    updated_at: dt.datetime | None = None
    updated_by: str | None = None

    @property
    def placeholders(self) -> list[str]:
        return sorted(sample(self.kind))


def local(value: str | dt.datetime, timezone: str) -> dt.datetime:
    """An RFC 3339 time (or aware datetime) in `timezone`; a bare date is taken as that day there."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(ZoneInfo(timezone))


def format_day(value: str | dt.datetime, timezone: str) -> str:
    """'2026-12-01T09:00:00Z' -> 'Tuesday 1 December 2026' (the day in `timezone`)."""
    moment = local(value, timezone)
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def format_when(value: str | dt.datetime, timezone: str) -> str:
    """'2026-12-01T09:00:00Z' -> 'Tuesday 1 December 2026, 10:00 (Europe/Paris)'."""
    return f"{format_day(value, timezone)}, {local(value, timezone):%H:%M} ({timezone})"


def format_short(value: str | dt.datetime, timezone: str) -> str:
    """'2026-12-01T09:00:00Z' -> 'Tue 1 Dec 10:00' (for SMS and subjects)."""
    moment = local(value, timezone)
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


def full_name(person: dict[str, Any] | None) -> str:
    """'Maya Parent' from a payload's {first_name, last_name}."""
    person = person or {}
    return f"{person.get('first_name') or ''} {person.get('last_name') or ''}".strip()


def current(session: Session, kind: str) -> TemplateText:
    """The template of `kind` as an admin last saved it (or the default when no row exists)."""
    if kind not in DEFAULTS:
        raise not_found("Notification template", kind)
    row = session.get(MessageTemplate, kind)
    if row is None:
        return TemplateText(kind, *DEFAULTS[kind])
    return TemplateText(kind, row.subject, row.body, row.sms_text, row.updated_at, row.updated_by)


def all_templates(session: Session) -> list[TemplateText]:
    """Every kind's template, in the order of KINDS."""
    rows = {row.kind: row for row in session.scalars(select(MessageTemplate))}
    return [TemplateText(k, rows[k].subject, rows[k].body, rows[k].sms_text, rows[k].updated_at, rows[k].updated_by)
            if k in rows else TemplateText(k, *DEFAULTS[k]) for k in KINDS]


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """The template of `source`, once it is known to stay in the message language (checked once per text)."""
    sandbox.check(_ENV.parse(source))
    return _ENV.from_string(source)


def _render(template: TemplateText, variables: dict[str, Any], channel: str) -> Message:
    subject = " ".join(sandbox.render(_compiled(template.subject), variables).split())
    source = template.sms_text if channel == "sms" else template.body
    if source is None:
        raise ValueError(f"the {template.kind} template has no SMS text")
    body = sandbox.render(_compiled(source), variables)
    return Message(subject[:300], " ".join(body.split()) if channel == "sms" else body)


def render(template: TemplateText, variables: dict[str, Any], channel: str) -> Message:
    """Subject and body (the SMS text on channel "sms") with `variables` filled in.

    An edited template that fails on a real message (it passed with sample data, or was saved before today's
    rules) gives way to the default text: the family still gets its message, and the log says why.
    """
    try:
        return _render(template, variables, channel)
    except TemplateError as exc:
        if template.updated_at is None:
            raise  # the default itself failed: a bug to see, not to hide
        log.warning("the edited %s template failed (%s); sending the default text", template.kind, exc)
        return _render(TemplateText(template.kind, *DEFAULTS[template.kind]), variables, channel)


def _check(kind: str, field: str, source: str) -> None:
    """422 naming `field` when `source` does not parse, leaves the message language, uses an unknown placeholder
    or fails on sample data."""
    variables = sample(kind)
    try:
        tree = _ENV.parse(source)
        sandbox.check(tree, variables)
        unknown = sorted(meta.find_undeclared_variables(tree) - set(variables))
        if unknown:
            raise field_error(field, f"unknown placeholder(s): {', '.join(unknown)}; "
                                     f"available: {', '.join(sorted(variables))}")
        rendered = sandbox.render(_ENV.from_string(source), variables)
    except TemplateSyntaxError as exc:
        raise field_error(field, f"template error on line {exc.lineno}: {exc.message}") from exc
    except (sandbox.NotInMessages, sandbox.TemplateTooLong) as exc:
        raise field_error(field, str(exc)) from exc
    except TemplateError as exc:
        raise field_error(field, f"the template fails with sample data: {exc}") from exc
    if field == "sms_text" and len(" ".join(rendered.split())) > SMS_MAX_CHARS:
        raise field_error(field, f"longer than {SMS_MAX_CHARS} characters with sample data")


def save(session: Session, kind: str, data: dict[str, Any], user_id: str | None) -> TemplateText:
    """Validate an admin's edit against sample data, then store it."""
    current(session, kind)  # 404 for an unknown kind
    for field in ("subject", "body", "sms_text"):
        if data.get(field) is not None:
            _check(kind, field, data[field])
    if data.get("sms_text") is None and DEFAULTS[kind][2] is not None:
        raise field_error("sms_text", "this kind of message can be sent by SMS: its SMS text is required")
    row = session.get(MessageTemplate, kind, with_for_update=True) or MessageTemplate(kind=kind)
    row.subject, row.body, row.sms_text, row.updated_by = data["subject"], data["body"], data.get("sms_text"), user_id
    session.add(row)
    session.flush()
    return current(session, kind)
