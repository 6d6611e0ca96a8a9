"""My day, a therapist's home on a phone or tablet: the sessions of today and the rest of the week, the open
tasks assigned to them, and the link that puts their sessions in their phone's calendar (the iCal feed)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable, Mapping

from flask_babel import format_date, gettext as _, lazy_gettext as _l

from web.access import current_user, nav_item, signed_in
from web.api import api
from web.errors import is_htmx
from web.forms import refusal_message
from web.gateway import Conflict, Invalid
from web.i18n import current_tz, local_today, parse_time
from web.labels import APPOINTMENT_STATUSES, TASK_STATUSES, tone
from web.render import page
from web.staff import bp
from web.staff.appointments import offered_actions

THERAPIST = ("therapist",)  # admins hold it too: they see their own day when their account is a therapist's
# A therapist's entry: an office manager or owner (who hold therapist rights) may open the page, but their menu
# stays the office's (one entry more no longer fits beside the others on a laptop).
nav_item("staff.my_day", _l("My day"), THERAPIST, 5, own_role_only=True)

OPEN_TASKS = ("new", "in_progress", "needs_follow_up")
CLOSING = ("complete", "no-show")  # the actions My day offers on a session (confirming is the desk's)
HIDDEN = ("cancelled",)            # a cancelled session is no longer part of anybody's day


def days_left_in_week(today: dt.date) -> list[dt.date]:
    """Today and each following day up to Sunday."""
    return [today + dt.timedelta(days=n) for n in range(7 - today.weekday())]


def sessions_by_day(appointments: list[Mapping[str, Any]], days: list[dt.date],
                    zone: dt.tzinfo) -> dict[dt.date, list[Mapping[str, Any]]]:
    """Each of `days` (in the centre's zone) with its sessions by start time, cancelled ones left out."""
    found: dict[dt.date, list[Mapping[str, Any]]] = {day: [] for day in days}
    for appointment in sorted(appointments, key=lambda a: parse_time(a["start"])):
        day = parse_time(appointment["start"]).astimezone(zone).date()
        if day in found and appointment["status"] not in HIDDEN:
            found[day].append(appointment)
    return found


def closing_actions(appointment: Mapping[str, Any], holds: Callable[..., bool], now: dt.datetime) -> list:
    """"Completed" and "No-show" once the session has started and is still booked or confirmed."""
    started = parse_time(appointment["start"]) <= now
    return [a for a in offered_actions(appointment["status"], holds, started) if a.name in CLOSING]


def webcal(url: str) -> str:
    """The feed's address as a webcal:// link, which phones open in their calendar app to subscribe."""
    scheme, _sep, rest = url.partition("://")
    return f"webcal://{rest}" if scheme in ("http", "https") else url


def _therapist_id() -> str | None:
    """The therapist record the signed-in account stands for (the gateway's account says)."""
    return api().get("users/me").get("therapist_id")


def _context(therapist_id: str | None) -> dict[str, Any]:
    """Sessions of the days left this week and open tasks, both narrowed to this therapist."""
    days = days_left_in_week(local_today())
    if therapist_id is None:
        return {"days": {}, "tasks": [], "services": {}, "rooms": {}}
    client = api()  # captured: the calls run on other threads
    calls: dict[str, Callable[[], Any]] = {
        status: (lambda s=status: client.get("tasks", therapist_id=therapist_id, status=s, limit=100))
        for status in OPEN_TASKS}
    found = client.parallel(
        appointments=lambda: client.get("appointments", therapist_id=therapist_id, limit=200,
                                        **{"from": days[0].isoformat(), "to": days[-1].isoformat()}),
        services=lambda: client.get("service-types", limit=200),
        rooms=lambda: client.get("rooms", limit=200), **calls)
    tasks = [task for status in OPEN_TASKS for task in found[status]]
    return {"days": sessions_by_day(found["appointments"], days, current_tz()), "tasks": tasks,
            "services": {s["code"]: s["name"] for s in found["services"]},
            "rooms": {r["id"]: r["name"] for r in found["rooms"]}}


def _page(therapist_id: str | None, *, feed: dict[str, str] | None = None, problem: str | None = None,
          status: int = 200):
    user = current_user()
    now = dt.datetime.now(dt.timezone.utc)
    # An htmx answer to the subscribe button is only the feed's block: the sessions and tasks are not read.
    lists = {} if is_htmx() and (feed or problem) else _context(therapist_id)
    return page("staff/my_day/page.html", block="feed" if feed or problem else None, status=status,
                linked=therapist_id is not None, feed=feed, problem=problem, today=local_today(),
                day_name=lambda day: format_date(day, "EEEE d MMMM"),
                actions=lambda a: closing_actions(a, user.holds, now) if user else [],
                statuses=APPOINTMENT_STATUSES, task_statuses=TASK_STATUSES, tone=tone,
                new_key=lambda: str(uuid.uuid4()), **lists)


@bp.get("/my-day")
@signed_in(*THERAPIST)
def my_day():
    """Today's sessions and the rest of the week, the open tasks, the calendar subscription."""
    return _page(_therapist_id())


@bp.post("/my-day/calendar-feed")
@signed_in(*THERAPIST)
def calendar_feed():
    """A new calendar feed address for the signed-in therapist (the previous one stops working)."""
    therapist_id = _therapist_id()
    if therapist_id is None:
        return _page(None, problem=_("Your account is not linked to a therapist."), status=409)
    try:
        answer = api().post(f"therapists/{therapist_id}/calendar-token")
    except (Conflict, Invalid) as exc:
        return _page(therapist_id, problem=refusal_message(exc), status=exc.status)
    return _page(therapist_id, feed={"url": answer["url"], "webcal": webcal(answer["url"])})
