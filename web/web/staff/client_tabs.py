"""The tabs of the client file: for each, the few API calls it makes and what its template receives.

Each tab is loaded on its own (htmx), so opening a client costs one call and each tab a handful, made at once.
The roles follow the services' access rules: a tab whose calls a role's API would refuse is not offered.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from flask import abort, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from web.access import BILLING, DESK
from web.api import UserApi
from web.staff.client_forms import AvailabilityForm, ReminderForm
from web.i18n import local_today
from web.staff.client_pages import by_id, split_by_now

Calls = dict[str, Callable[[], Any]]
PAST_DAYS = 180  # the appointments tab looks this far back; older sessions are in the calendar
LIST_LIMIT = 50


@dataclass(frozen=True)
class Tab:
    """One tab: its key (in the URL), label, roles, calls to make and the template context built from them."""

    key: str
    label: LazyString
    roles: tuple[str, ...]
    calls: Callable[[UserApi, str], Calls]
    context: Callable[[dict[str, Any]], dict[str, Any]]
    needs_client: bool = False  # the tab shows the client record itself (not only the header)


def _no_calls(_api: UserApi, _client_id: str) -> Calls:
    return {}


def _as_is(results: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in results.items() if key != "client"}


def _appointment_calls(client_api: UserApi, client_id: str) -> Calls:
    since = (local_today() - dt.timedelta(days=PAST_DAYS)).isoformat()
    return {"appointments": lambda: client_api.get("appointments", client_id=client_id, limit=200,
                                                   **{"from": since}),
            "opportunities": lambda: client_api.get("opportunities", client_id=client_id, limit=LIST_LIMIT),
            "service_types": lambda: client_api.get("service-types", limit=200)}


def _appointment_context(results: dict[str, Any]) -> dict[str, Any]:
    coming, past = split_by_now(results["appointments"])
    known = {a["id"] for a in results["appointments"]}
    # A family's first online booking is not linked to the client in the calendar: its opportunity recalls it.
    first_sessions = [o for o in results["opportunities"]
                      if o.get("appointment_id") and o["appointment_id"] not in known and o.get("appointment_start")]
    return {"coming": coming, "past": past, "first_sessions": first_sessions,
            "service_types": by_id(results["service_types"], "code")}


def _sales_calls(client_api: UserApi, client_id: str) -> Calls:
    return {"opportunities": lambda: client_api.get("opportunities", client_id=client_id, limit=LIST_LIMIT),
            "quotations": lambda: client_api.get("quotations", client_id=client_id, limit=LIST_LIMIT),
            "service_types": lambda: client_api.get("service-types", limit=200)}


def _sales_context(results: dict[str, Any]) -> dict[str, Any]:
    return {**_as_is(results), "service_types": by_id(results["service_types"], "code")}


def _task_calls(client_api: UserApi, client_id: str) -> Calls:
    return {"tasks": lambda: client_api.get("tasks", client_id=client_id, limit=100),
            "therapists": lambda: client_api.get("therapists", limit=200)}


def _task_context(results: dict[str, Any]) -> dict[str, Any]:
    return {"tasks": results["tasks"], "therapists": by_id(results["therapists"])}


def _invoice_calls(client_api: UserApi, client_id: str) -> Calls:
    return {"invoices": lambda: client_api.get("invoices", client_id=client_id, limit=LIST_LIMIT),
            "unbilled": lambda: client_api.get("billable-items", client_id=client_id, status="unbilled", limit=100),
            "credits": lambda: client_api.get("credits", client_id=client_id, limit=LIST_LIMIT),
            "balances": lambda: client_api.get("invoices/balances", client_id=[client_id])}


def _message_calls(client_api: UserApi, client_id: str) -> Calls:
    cursor = request.args.get("cursor")
    return {"messages": lambda: client_api.get("notifications", client_id=client_id, limit=LIST_LIMIT,
                                               cursor=cursor)}


def _message_context(results: dict[str, Any]) -> dict[str, Any]:
    return {"messages": results["messages"], "next_cursor": getattr(results["messages"], "next_cursor", None)}


def _timeline_calls(client_api: UserApi, client_id: str) -> Calls:
    return {"activities": lambda: client_api.get(f"clients/{client_id}/activities")}


def _reminder_calls(client_api: UserApi, client_id: str) -> Calls:
    return {"settings": lambda: client_api.get(f"reminder-settings/{client_id}")}


def _reminder_context(results: dict[str, Any]) -> dict[str, Any]:
    settings = results["settings"]
    return {"reminder_settings": settings, "form": ReminderForm(formdata=None, data=ReminderForm.data_of(settings)),
            "problems": [], "saved": False}


def _availability_calls(client_api: UserApi, client_id: str) -> Calls:
    return {"windows": lambda: client_api.get(f"client-availability/{client_id}")}


def _availability_context(results: dict[str, Any]) -> dict[str, Any]:
    rows = [{"weekday": str(w["weekday"]), "start": w["start"], "end": w["end"]} for w in results["windows"]]
    form = AvailabilityForm(formdata=None, data={"windows": rows})
    form.add_row()  # a blank row to add a window
    return {"form": form, "row_errors": {}, "problems": [], "saved": False}


TABS = [
    Tab("overview", _l("Overview"), BILLING, _no_calls, _as_is, needs_client=True),
    Tab("appointments", _l("Appointments"), DESK, _appointment_calls, _appointment_context),
    Tab("sales", _l("Opportunities and quotations"), DESK, _sales_calls, _sales_context),
    Tab("tasks", _l("Tasks"), DESK, _task_calls, _task_context),
    Tab("invoices", _l("Invoices and balance"), BILLING, _invoice_calls, _as_is),
    Tab("messages", _l("Messages"), BILLING, _message_calls, _message_context),
    Tab("reminders", _l("Reminders"), DESK, _reminder_calls, _reminder_context),
    Tab("availability", _l("Availability"), DESK, _availability_calls, _availability_context),
    Tab("timeline", _l("Timeline"), DESK, _timeline_calls, _as_is),
]
_BY_KEY = {tab.key: tab for tab in TABS}


def tab_named(key: str) -> Tab:
    """The tab a URL names (404 for any other word)."""
    tab = _BY_KEY.get(key)
    if tab is None:
        abort(404)
    return tab
