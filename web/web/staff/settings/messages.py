"""The centre-wide delivery log: every e-mail and text message, filtered and paged; a failed one is resent."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SearchField, SelectField
from wtforms.validators import Length, Optional

from servicekit.limits import EMAIL

from web.access import ADMIN, current_user, signed_in
from web.api import api
from web.forms import apply_api_errors, refusal_message
from web.gateway import Conflict, Invalid, Missing, Page
from web.render import page
from web.staff import bp
from web.staff.client_pages import optional_url
from web.labels import CHANNELS as CHANNEL_LABELS, MESSAGE_KINDS as KIND_LABELS, MESSAGE_STATUSES as STATUS_LABELS
from web.staff.settings.templates import kind_label

LIST_TEMPLATE = "staff/settings/messages/list.html"
DETAIL_TEMPLATE = "staff/settings/messages/detail.html"
PAGE_SIZE = 25
STATUS_STYLES = {"sent": "text-bg-success", "failed": "text-bg-danger", "skipped": "text-bg-secondary"}
FILTERS = ("recipient", "status", "channel", "kind", "client_id")


class LogFilters(FlaskForm):
    """The log's filters, read from the query string (a GET form: bookmarkable, no CSRF needed)."""

    class Meta:
        csrf = False

    recipient = SearchField(_l("Recipient"), validators=[Optional(), Length(max=EMAIL)])
    status = SelectField(_l("Status"), choices=[("", _l("Any status"))] + list(STATUS_LABELS.items()), default="")
    channel = SelectField(_l("Channel"), choices=[("", _l("Any channel"))] + list(CHANNEL_LABELS.items()),
                          default="")
    kind = SelectField(_l("Message"), choices=[("", _l("Any message"))] + list(KIND_LABELS.items()), default="")
    since = DateField(_l("From"), name="from", validators=[Optional()])
    until = DateField(_l("Until"), name="to", validators=[Optional()])
    client_id = HiddenField()

    def query(self) -> dict[str, Any]:
        """The API's query parameters (empty filters are dropped by the gateway client)."""
        params = {name: (getattr(self, name).data or "").strip() for name in FILTERS}
        params["from"] = self.since.data.isoformat() if self.since.data else None
        params["to"] = self.until.data.isoformat() if self.until.data else None
        return params


def _client_name(client_id: str | None) -> str | None:
    if not client_id:
        return None
    try:
        client = api().get(f"clients/{client_id}")
    except (Missing, Invalid):
        return None
    return f'{client.get("first_name", "")} {client.get("last_name", "")}'.strip()


@bp.get("/settings/messages")
@signed_in(*ADMIN)
def settings_messages():
    """One page of the log, newest first, as filtered."""
    filters = LogFilters(request.args)
    messages, problem = Page([]), None
    if filters.validate():
        try:
            messages = api().get("notifications", limit=PAGE_SIZE, cursor=request.args.get("cursor"),
                                 **filters.query())
        except Invalid as exc:
            problem = " ".join(apply_api_errors(filters, exc, {"from": "since", "to": "until"}))
    return page(LIST_TEMPLATE, status=422 if filters.errors or problem else 200, filters=filters,
                messages=messages, problem=problem, client_name=_client_name(filters.client_id.data),
                **_links(messages.next_cursor), **_labels())


def _links(next_cursor: str | None) -> dict[str, str | None]:
    """Older messages, back to the newest, and the same filters for every client (the filters kept)."""
    # Only the filters: any other parameter (e.g. ?endpoint=) would reach url_for() and fail.
    kept = {k: v for k, v in request.args.items() if k in (*FILTERS, "from", "to") and v}
    return {"next_url": url_for("staff.settings_messages", **kept, cursor=next_cursor) if next_cursor else None,
            "first_url": url_for("staff.settings_messages", **kept) if request.args.get("cursor") else None,
            "every_client_url": url_for("staff.settings_messages",
                                        **{k: v for k, v in kept.items() if k != "client_id"})}


def _labels() -> dict[str, Any]:
    return {"status_labels": STATUS_LABELS, "status_styles": STATUS_STYLES, "channel_labels": CHANNEL_LABELS,
            "kind_label": kind_label}


def _detail(notification_id: str, *, status: int = 200, problem: str | None = None):
    message = api().get(f"notifications/{notification_id}")
    user = current_user()
    return page(DETAIL_TEMPLATE, status=status, message=message, problem=problem,
                may_resend=message["status"] == "failed" and user is not None and user.holds(*ADMIN),
                appointment_link=(optional_url("staff.appointment", appointment_id=message["appointment_id"])
                                  if message.get("appointment_id") else None),
                **_labels())


@bp.get("/settings/messages/<uuid:notification_id>")
@signed_in(*ADMIN)
def settings_message(notification_id):
    """One message: to whom, what it said, each attempt's outcome."""
    return _detail(str(notification_id))


@bp.post("/settings/messages/<uuid:notification_id>/resend")
@signed_in(*ADMIN)
def settings_message_resend(notification_id):
    """Put a failed message back in the queue (an address found since is used); a refusal is said in place."""
    try:
        api().post(f"notifications/{notification_id}/resend")
    except Conflict as exc:
        return _detail(str(notification_id), status=409, problem=refusal_message(exc))
    flash(_("The message is queued to be sent again."), "success")
    return redirect(url_for("staff.settings_message", notification_id=notification_id))
