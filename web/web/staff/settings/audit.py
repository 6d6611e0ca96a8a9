"""The audit log (the owner's): who signed in, changed an account, read clinical records, exported a document or
acted on the portal — filtered, paged, downloaded as CSV. The gateway records it (gateway.audit) and allows the
search to the org_admin alone; this page only reads it."""
from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SearchField, SelectField, StringField
from wtforms.validators import Length, Optional

from servicekit.limits import EMAIL

from web.access import ORG_ADMIN, role_label, signed_in
from web.api import api
from web.forms import apply_api_errors
from web.gateway import Invalid, Page
from web.i18n import parse_time
from web.render import page
from web.staff import bp
from web.staff.client_pages import optional_url

TEMPLATE = "staff/settings/audit/list.html"
PAGE_SIZE = 50
FILTERS = ("actor", "action", "subject_id", "outcome")

# What each recorded action means, in words (gateway.audit.RULES names them; "portal." marks a family's or a link
# holder's, shown by who did it).
ACTIONS = {
    "auth.login": _l("Signed in (password)"),
    "auth.second_factor": _l("Signed in (second factor)"),
    "auth.refresh_refused": _l("Session renewal refused"),
    "auth.logout": _l("Signed out"),
    "auth.password_reset_requested": _l("Asked for a password reset"),
    "auth.password_reset": _l("Reset the password by e-mail link"),
    "user.activated": _l("Activated a portal account"),
    "user.password_changed": _l("Changed their own password"),
    "user.second_factor_enabled": _l("Turned two-factor sign-in on"),
    "user.second_factor_disabled": _l("Turned two-factor sign-in off"),
    "user.recovery_codes_renewed": _l("Renewed the recovery codes"),
    "user.session_ended": _l("Ended one of their sessions"),
    "user.other_sessions_ended": _l("Ended their other sessions"),
    "user.created": _l("Created an account"),
    "user.updated": _l("Changed an account"),
    "user.role_changed": _l("Changed a role"),
    "user.deactivated": _l("Deactivated an account"),
    "user.reactivated": _l("Reactivated an account"),
    "user.password_set": _l("Set someone's password"),
    "user.sessions_ended": _l("Signed someone out everywhere"),
    "user.invited": _l("Invited a family to the portal"),
    "user.second_factor_reset": _l("Reset someone's two-factor sign-in"),
    "center.updated": _l("Changed the centre's details"),
    "clinical.client_file": _l("Read a client's file"),
    "clinical.client_timeline": _l("Read a client's timeline and notes"),
    "clinical.tasks": _l("Read therapy tasks"),
    "clinical.task": _l("Read a therapy task"),
    "clinical.progress_notes": _l("Read progress notes"),
    "export.invoice_pdf": _l("Downloaded an invoice (PDF)"),
    "export.quotation_pdf": _l("Downloaded a quotation (PDF)"),
    "export.calendar_ics": _l("Downloaded a calendar feed"),
    "export.audit_csv": _l("Downloaded the audit log (CSV)"),
    "audit.searched": _l("Looked at the audit log"),
    "appointment.confirmed": _l("Confirmed a session"),
    "appointment.cancelled": _l("Cancelled a session"),
    "appointment.cancel_withdrawn": _l("Withdrew a cancellation"),
    "appointment.answered": _l("Answered a one-click link"),
    "waitlist.offer_accepted": _l("Booked a session offered from the wait list"),
    "waitlist.left": _l("Left the wait list"),
    "quotation.signed": _l("Signed a quotation"),
    "quotation.declined": _l("Declined a quotation"),
    "quotation.opened": _l("Opened a quotation's link"),
    "invoice.paid": _l("Recorded a payment"),
    "reminders.changed": _l("Changed reminder settings"),
    "reminders.unsubscribed": _l("Unsubscribed from reminders"),
}
KINDS = [("", _l("Any action")), ("auth", _l("Sign-ins and sessions")), ("user", _l("Accounts and roles")),
         ("clinical", _l("Clinical records read")), ("export", _l("Exports")), ("portal", _l("Portal actions"))]
SUBJECT_PAGES = {"client": ("staff.client_file", "client_id"), "appointment": ("staff.appointment", "appointment_id"),
                 "invoice": ("staff.invoice", "invoice_id"), "quotation": ("staff.quotation", "quotation_id"),
                 "task": ("staff.task", "task_id")}
SUBJECTS = {"user": _l("Account"), "client": _l("Client"), "appointment": _l("Session"), "invoice": _l("Invoice"),
            "quotation": _l("Quotation"), "task": _l("Task"), "therapist": _l("Therapist"),
            "session": _l("Sign-in session"), "waitlist_entry": _l("Wait-list entry")}


class AuditFilters(FlaskForm):
    """The log's filters, read from the query string (a GET form: bookmarkable, no CSRF needed)."""

    class Meta:
        csrf = False

    since = DateField(_l("From"), name="from", validators=[Optional()])
    until = DateField(_l("Until"), name="to", validators=[Optional()])
    actor = SearchField(_l("Who"), validators=[Optional(), Length(max=EMAIL)])
    action = SelectField(_l("What"), choices=KINDS, default="")
    subject_id = StringField(_l("Record id"), validators=[Optional(), Length(max=64)])
    outcome = SelectField(_l("Outcome"), default="", choices=[
        ("", _l("Any outcome")), ("success", _l("Done")), ("failure", _l("Refused or failed"))])

    def query(self) -> dict[str, Any]:
        """The API's query parameters (empty filters are dropped by the gateway client)."""
        params = {name: (getattr(self, name).data or "").strip() for name in FILTERS}
        params["from"] = self.since.data.isoformat() if self.since.data else None
        params["to"] = self.until.data.isoformat() if self.until.data else None
        return params


@bp.get("/settings/audit")
@signed_in(*ORG_ADMIN)
def settings_audit():
    """One page of the audit log, newest first, as filtered."""
    filters = AuditFilters(request.args)
    events, problem = Page([]), None
    if filters.validate():
        try:
            events = api().get("audit-events", limit=PAGE_SIZE, cursor=request.args.get("cursor"), **filters.query())
        except Invalid as exc:
            problem = " ".join(apply_api_errors(filters, exc, {"from": "since", "to": "until"}))
    return page(TEMPLATE, status=422 if filters.errors or problem else 200, filters=filters, events=events,
                problem=problem, **_links(events.next_cursor), action_label=action_label, actor_label=actor_label,
                subject_label=subject_label, subject_url=subject_url, moment=moment)


@bp.get("/settings/audit.csv")
@signed_in(*ORG_ADMIN)
def settings_audit_csv():
    """The filtered log as a CSV file (the gateway records the download); filters it refuses: the page says why."""
    filters = AuditFilters(request.args)
    if not filters.validate():
        return settings_audit()
    try:
        document = api().get("audit-events.csv", **filters.query())
    except Invalid:
        return settings_audit()
    return Response(document.content, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="audit-log.csv"', "Cache-Control": "no-store"})


def _links(next_cursor: str | None) -> dict[str, str | None]:
    kept = {k: v for k, v in request.args.items() if k in (*FILTERS, "from", "to") and v}
    return {"next_url": url_for("staff.settings_audit", **kept, cursor=next_cursor) if next_cursor else None,
            "first_url": url_for("staff.settings_audit", **kept) if request.args.get("cursor") else None,
            "csv_url": url_for("staff.settings_audit_csv", **kept)}


def moment(value: Any) -> str:
    """When, to the second, in the centre's time zone (the page's language)."""
    when = parse_time(value)
    return format_datetime(when, "d MMM y, HH:mm:ss") if when else ""


def action_label(action: str) -> str:
    base = action.removeprefix("portal.")
    return str(ACTIONS.get(base, base))


def actor_label(event: dict[str, Any]) -> str:
    """Who: their e-mail and role; the holder of a one-click or share link; or nobody known."""
    if event.get("actor_role") == "link_holder":
        return str(_l("Holder of a link"))
    role = role_label(event["actor_role"]) if event.get("actor_role") else ""
    who = event.get("actor_email") or (event.get("actor_id") or "")[:8]
    return " · ".join(part for part in (who, role) if part) or str(_l("Unknown"))


def subject_label(event: dict[str, Any]) -> str:
    kind = event.get("subject_type") or ""
    return f"{SUBJECTS.get(kind, kind)} {(event.get('subject_id') or '')[:8]}".strip()


def subject_url(event: dict[str, Any]) -> str | None:
    endpoint = SUBJECT_PAGES.get(event.get("subject_type") or "")
    if endpoint is None or not event.get("subject_id"):
        return None
    return optional_url(endpoint[0], **{endpoint[1]: event["subject_id"]})
