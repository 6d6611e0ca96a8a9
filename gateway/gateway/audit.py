"""The audit log: what is recorded is data — one table of rules — and it is recorded from one place.

Every outside request passes through the gateway (the services are not reachable from outside), so an
`after_request` hook here sees all of them: the gateway's own endpoints (sign-in, accounts) and the ones it
forwards (clinical reads, exports, portal actions). A request whose method and path match a rule of RULES
becomes one row of `audit_events`, written in a short transaction of its own, success or failure alike: a
refused attempt is exactly what an audit needs. Who (the token's principal; for a sign-in the address tried),
when, from where (servicekit.addresses), the correlation id, the status and the subject named by the path.

Never recorded: passwords, tokens, codes, query strings or request bodies — a rule's `detail` function picks
the few harmless facts it needs (which fields of an account changed, the role from → to).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, Response, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, MapAdapter, Rule as Route

from servicekit import audit as servicekit_audit
from servicekit.addresses import client_address
from servicekit.auth import CLIENT, current_principal
from servicekit.errors import problem_response

from gateway.models import AuditEvent, RefreshToken, User
from gateway.tokens import digest

log = logging.getLogger(__name__)

API = "/api/v1"
LINK_HOLDER = "link_holder"  # the actor of a one-click or share link: whoever holds it
# A service names what a signed link acted on, and how (servicekit.audit); the caller never sees these headers.
AUDIT_SUBJECT, AUDIT_OUTCOME = servicekit_audit.SUBJECT, servicekit_audit.ACTION

Detail = Callable[[dict[str, Any], Response], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    """`method path` of the public API (or a page path when `api` is False) → what the audit log calls it.

    `subject` names the path (or query) parameter holding the subject's id, or `answer:<field>` for an id the
    answer carries (a created account). `portal` actions are named "portal.<action>" when a family or a link
    holder does them. `failures_only`: only refusals are worth a line (a token refresh). `detail` picks facts
    from the JSON body and the answer — never a secret.
    """

    method: str
    path: str
    action: str
    subject_type: str | None = None
    subject: str | None = None
    portal: bool = False
    api: bool = True
    failures_only: bool = False
    actor_email_from_body: bool = False
    actor_from_refresh_token: bool = False
    answers: tuple[tuple[str, str], ...] = ()  # what the service says the request did (AUDIT_OUTCOME) → action
    detail: Detail | None = None

    @property
    def url(self) -> str:
        return (API + self.path if self.api else self.path).replace("{", "<").replace("}", ">")

    @property
    def reads_body(self) -> bool:
        """Only the gateway's own endpoints have a body worth a look (a forwarded one is never parsed here)."""
        return self.actor_email_from_body or self.actor_from_refresh_token or self.detail is not None


def _login_detail(body: dict[str, Any], answer: Response) -> dict[str, Any]:
    """A right password whose sign-in still needs its second step (202) says which: "code" or "enrol"."""
    step = _json(answer).get("second_factor")
    return {"second_factor": step[:10]} if isinstance(step, str) else {}


def _new_account_detail(body: dict[str, Any], answer: Response) -> dict[str, Any]:
    return {"role": str(body.get("role", ""))[:20]} if body.get("role") else {}


def _account_change_detail(body: dict[str, Any], answer: Response) -> dict[str, Any]:
    """Which fields of an account a PATCH touched, the role and active flag from → to; a password only as 'set'."""
    before = g.get("audit_before") or {}
    detail: dict[str, Any] = {"fields": sorted(str(name)[:30] for name in body)[:10]}
    for name in ("role", "active"):
        if name in body:
            detail[name] = {"from": before.get(name), "to": body[name] if isinstance(body[name], (str, bool)) else None}
    return detail


def _account_change_action(body: dict[str, Any]) -> str:
    """The most telling name for one PATCH /users/{id}."""
    if "role" in body:
        return "user.role_changed"
    if "active" in body:
        return "user.reactivated" if body["active"] is True else "user.deactivated"
    if "password" in body:
        return "user.password_set"
    return "user.updated"


ACCOUNT_CHANGE = "user.updated"  # the rule's name; the row carries _account_change_action's

# What is audited. Sign-ins and sessions, accounts and roles, clinical reads (DESIGN section 1: the client
# file, its timeline of notes, therapy tasks and their progress notes), every export, every portal action.
RULES: tuple[Rule, ...] = (
    # Sign-in, sessions, passwords, two-factor authentication (gateway.api.auth, gateway.api.users).
    Rule("POST", "/auth/login", "auth.login", "user", "answer:user.id", actor_email_from_body=True,
         detail=_login_detail),
    Rule("POST", "/auth/login/second-factor", "auth.second_factor", "user", "answer:user.id"),
    Rule("POST", "/auth/login/second-factor/enrolment/confirm", "user.second_factor_enabled", "user",
         "answer:user.id"),
    Rule("POST", "/auth/refresh", "auth.refresh_refused", failures_only=True, actor_from_refresh_token=True),
    Rule("POST", "/auth/logout", "auth.logout", actor_from_refresh_token=True),
    Rule("POST", "/auth/activate", "user.activated", "user", "answer:user.id"),
    Rule("POST", "/auth/password-reset", "auth.password_reset_requested", actor_email_from_body=True),
    Rule("POST", "/auth/password-reset/complete", "auth.password_reset", "user", "answer:user.id"),
    Rule("POST", "/users/me/password", "user.password_changed"),
    Rule("POST", "/users/me/second-factor/confirm", "user.second_factor_enabled"),
    Rule("DELETE", "/users/me/second-factor", "user.second_factor_disabled"),
    Rule("POST", "/users/me/second-factor/recovery-codes", "user.recovery_codes_renewed"),
    Rule("DELETE", "/users/me/sessions/{session_id}", "user.session_ended", "session", "session_id"),
    Rule("POST", "/users/me/sessions/end-others", "user.other_sessions_ended"),
    # Accounts and roles (the owner's).
    Rule("POST", "/users", "user.created", "user", "answer:id", detail=_new_account_detail),
    Rule("PATCH", "/users/{user_id}", ACCOUNT_CHANGE, "user", "user_id", detail=_account_change_detail),
    Rule("POST", "/users/{user_id}/sessions/end", "user.sessions_ended", "user", "user_id"),
    Rule("POST", "/users/{user_id}/invitation", "user.invited", "user", "user_id"),
    Rule("POST", "/users/{user_id}/second-factor/reset", "user.second_factor_reset", "user", "user_id"),
    Rule("PUT", "/center", "center.updated"),
    Rule("PUT", "/center/logo", "center.updated"),
    Rule("DELETE", "/center/logo", "center.updated"),
    # Clinical reads: the client file, its timeline (staff notes), therapy tasks and progress notes.
    Rule("GET", "/clients/{client_id}", "clinical.client_file", "client", "client_id"),
    Rule("GET", "/clients/{client_id}/activities", "clinical.client_timeline", "client", "client_id"),
    Rule("GET", "/tasks", "clinical.tasks", "client", "client_id"),
    Rule("GET", "/tasks/{task_id}", "clinical.task", "task", "task_id"),
    Rule("GET", "/tasks/{task_id}/timesheets", "clinical.progress_notes", "task", "task_id"),
    Rule("GET", "/timesheets", "clinical.progress_notes", "task", "task_id"),
    # Exports: every document and file that leaves the system.
    Rule("GET", "/invoices/{invoice_id}/pdf", "export.invoice_pdf", "invoice", "invoice_id", portal=True),
    Rule("GET", "/quotations/{quotation_id}/pdf", "export.quotation_pdf", "quotation", "quotation_id", portal=True),
    Rule("GET", "/therapists/{therapist_id}/calendar.ics", "export.calendar_ics", "therapist", "therapist_id"),
    Rule("GET", "/audit-events.csv", "export.audit_csv"),
    Rule("GET", "/audit-events", "audit.searched"),
    # Portal actions (a family signed in, or the holder of a one-click / share link) — staff doing the same
    # are recorded under the plain name.
    Rule("POST", "/appointments/{appointment_id}/confirm", "appointment.confirmed", "appointment",
         "appointment_id", portal=True),
    Rule("POST", "/appointments/{appointment_id}/cancel", "appointment.cancelled", "appointment",
         "appointment_id", portal=True),
    Rule("POST", "/appointments/{appointment_id}/withdraw-cancel", "appointment.cancel_withdrawn", "appointment",
         "appointment_id", portal=True),
    Rule("POST", "/waitlist/{entry_id}/accept", "waitlist.offer_accepted", "waitlist_entry", "entry_id",
         portal=True),
    Rule("DELETE", "/waitlist/{entry_id}", "waitlist.left", "waitlist_entry", "entry_id", portal=True),
    Rule("POST", "/quotations/{quotation_id}/sign", "quotation.signed", "quotation", "quotation_id", portal=True),
    Rule("POST", "/quotations/{quotation_id}/decline", "quotation.declined", "quotation", "quotation_id",
         portal=True),
    Rule("POST", "/invoices/{invoice_id}/payments", "invoice.paid", "invoice", "invoice_id", portal=True),
    Rule("PUT", "/reminder-settings/{client_id}", "reminders.changed", "client", "client_id", portal=True),
    Rule("GET", "/q/{quotation_id}", "quotation.opened", "quotation", "quotation_id", portal=True, api=False),
    # Opening a one-click link only shows its button (a mail scanner opens them all); the button's POST acts.
    Rule("POST", "/r/{token}", "appointment.answered", portal=True, api=False,
         answers=(("confirm", "appointment.confirmed"), ("cancel", "appointment.cancelled"))),
    Rule("POST", "/r/unsubscribe/{token}", "reminders.unsubscribed", portal=True, api=False),
)

# Parameters whose value is a secret: never a subject, never stored.
SECRET_PARAMETERS = frozenset({"token"})


def route_map(rules: tuple[Rule, ...] = RULES) -> Map:
    """A werkzeug map of the rules (the same matching Flask does), each route's endpoint its rule."""
    return Map([Route(rule.url, methods=[rule.method], endpoint=rule) for rule in rules],
               strict_slashes=False, merge_slashes=False)


def match(adapter: MapAdapter, method: str, path: str) -> tuple[Rule, dict[str, str]] | None:
    """The rule for `method path` and the path's parameters, or None when it is not audited."""
    if method in ("HEAD", "OPTIONS"):
        return None
    try:
        rule, params = adapter.match(path, method)
    except HTTPException:  # no rule, wrong method, or a redirect werkzeug would suggest: not audited
        return None
    return rule, {k: str(v) for k, v in params.items()}


def _json(response: Response) -> dict[str, Any]:
    data = response.get_json(silent=True) if response.is_json else None
    return data if isinstance(data, dict) else {}


def _body() -> dict[str, Any]:
    """The request's JSON object (the gateway's own endpoints have parsed it already), else {}."""
    try:
        body = request.get_json(silent=True, cache=True)
    except RecursionError:  # nested too deep: refused with a 400 already
        return {}
    return body if isinstance(body, dict) else {}


def _dig(data: dict[str, Any], dotted: str) -> str | None:
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return str(value)[:64] if isinstance(value, (str, int)) and value != "" else None


def _subject(rule: Rule, params: dict[str, str], response: Response) -> str | None:
    if rule.subject is None or rule.subject in SECRET_PARAMETERS:
        return None
    if rule.subject.startswith("answer:"):
        return _dig(_json(response), rule.subject.split(":", 1)[1])
    value = params.get(rule.subject) or request.args.get(rule.subject)
    return value[:64] if value else None


def event_for(rule: Rule, params: dict[str, str], response: Response) -> AuditEvent:
    """The row one request makes (not yet stored)."""
    principal, body = current_principal(), _body() if rule.reads_body and request.is_json else {}
    by_link = principal.is_anonymous and (not rule.api or "access_token" in request.args)
    action = _account_change_action(body) if rule.action == ACCOUNT_CHANGE else rule.action
    subject_type, subject_id = rule.subject_type, _subject(rule, params, response)
    named = response.headers.get(AUDIT_SUBJECT, "").split(" ", 1)
    if len(named) == 2 and rule.subject_type is None:  # what the link acted on, as the service behind says
        subject_type, subject_id = named[0][:40], named[1][:64]
    detail = rule.detail(body, response) if rule.detail else {}
    action = dict(rule.answers).get(response.headers.get(AUDIT_OUTCOME, ""), action)
    if rule.portal and (by_link or principal.role == CLIENT):
        action = "portal." + action
    actor_id, role, email = _actor(rule, body, response, subject_id)
    role = LINK_HOLDER if by_link else role
    return AuditEvent(
        action=action[:60], outcome="success" if response.status_code < 400 else "failure",
        status=response.status_code, actor_id=actor_id, actor_role=role and role[:20],
        actor_email=email and email[:254], subject_type=subject_type if subject_id else None, subject_id=subject_id,
        address=client_address()[:45] or None, request_id=g.get("request_id"), detail=detail)


def _actor(rule: Rule, body: dict[str, Any], response: Response, subject_id: str | None) -> tuple[str | None, ...]:
    """Who did it: the token's principal; for a sign-in, the address tried and, once it worked, whom the answer
    names (its second step, an activation, a reset alike)."""
    principal = current_principal()
    actor_id, role, email = principal.user_id, principal.role, principal.email or None
    if rule.actor_email_from_body and isinstance(body.get("email"), str):
        email = body["email"].strip().lower()[:254] or None
    if actor_id is None and rule.subject == "answer:user.id" and response.status_code < 400:
        answer = _json(response)
        actor_id, role, email = subject_id, _dig(answer, "user.role") or role, _dig(answer, "user.email") or email
    return actor_id, role, email


def remember_before() -> None:
    """before_request: an account's role and active flag before a change, so the row can say from → to."""
    found = match(_adapter(), request.method, request.path)
    if found is None or found[0].action != ACCOUNT_CHANGE:
        return
    body = _body()
    if not {"role", "active"} & set(body):
        return
    with current_app.extensions["servicekit.db"].transaction() as session:
        row = session.execute(select(User.role, User.active).where(User.id == found[1]["user_id"])).first()
    g.audit_before = {"role": row.role, "active": row.active} if row else {}


def record(response: Response) -> Response:
    """after_request: one row for an audited request; a clinical read that could not be recorded is refused."""
    found = match(_adapter(), request.method, request.path)
    if found is not None and not (found[0].failures_only and response.status_code < 400):
        response = _store(*found, response)
    for header in (AUDIT_SUBJECT, AUDIT_OUTCOME):  # meant for the gateway alone
        response.headers.pop(header, None)
    return response


def _store(rule: Rule, params: dict[str, str], response: Response) -> Response:
    try:
        with current_app.extensions["servicekit.db"].transaction() as session:
            row = event_for(rule, params, response)
            if rule.actor_from_refresh_token and row.actor_id is None:
                _actor_of_refresh_token(session, row)
            session.add(row)
    except Exception:  # noqa: BLE001 - the database is away, or a bug: say so, and fail closed on reads
        log.exception("audit event %s not recorded", rule.action)
        if request.method == "GET" and response.status_code < 400:
            return problem_response(503, "Service Unavailable", "This read could not be recorded in the audit "
                                    "log; retry shortly.", headers={"Retry-After": "5"})
    return response


def _actor_of_refresh_token(session: Session, row: AuditEvent) -> None:
    """A logout carries no access token: its refresh token (looked up by its digest, as stored) names the person."""
    raw = _body().get("refresh_token")
    if not isinstance(raw, str) or not raw:
        return
    found = session.execute(select(User.id, User.role, User.email).join(
        RefreshToken, RefreshToken.user_id == User.id).where(RefreshToken.token_hash == digest(raw))).first()
    if found is not None:
        row.actor_id, row.actor_role, row.actor_email = found.id, found.role, found.email


def _adapter() -> MapAdapter:
    routes: Map = current_app.extensions["gateway.audit_routes"]
    return routes.bind("audit")


def install(app: Flask) -> None:
    """Record every audited request (RULES) of `app`."""
    app.extensions["gateway.audit_routes"] = route_map()
    app.before_request(remember_before)
    app.after_request(record)
