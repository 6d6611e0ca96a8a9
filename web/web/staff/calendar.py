"""The calendar, the front desk's home: a day with a column per therapist, the week, the month and a list.

The page draws the filters and the legend; EventCalendar (static/calendar.js) asks `events` for the sessions
it shows and posts a dragged session to `move`. Times travel as the centre's wall-clock times without an
offset ("floating"), so the calendar shows the centre's hours whatever the browser's own time zone.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from flask import abort, jsonify, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from web.access import DESK, SCHEDULE, current_user, nav_item, signed_in
from web.api import api
from web.forms import api_message
from web.gateway import Conflict, Invalid
from web.i18n import current_tz, fmt_datetime, local_today, parse_time
from web.render import page
from web.staff import bp
from web.staff.appointments import MOVABLE, STATUS_LABELS, full_name

nav_item("staff.calendar", _l("Calendar"), SCHEDULE, 10)

VIEWS = ("resourceTimeGridDay", "timeGridDay", "timeGridWeek", "dayGridMonth", "listWeek")
FILTERS = ("therapist_id", "service_code", "room_id", "status")
ALL_STATUSES = "all"  # the status filter's "everything, cancelled sessions too" (the default leaves them out)
PALETTE_SIZE = 10     # therapist-colour-0..9 in calendar.css, each AA-contrasted with white text
LONGEST_RANGE = 62    # days one events request may ask for (a month grid shows 42)


def colour_classes(therapists: list[Mapping[str, Any]]) -> dict[str, str]:
    """A colour class per therapist by their place in the list: the legend and the sessions share it."""
    return {t["id"]: f"therapist-colour-{index % PALETTE_SIZE}" for index, t in enumerate(therapists)}


def api_ranges(first: dt.date, last: dt.date) -> list[tuple[str, dt.date]]:
    """The fewest calendar calls covering the days first..last: one day, its ISO weeks, or its months."""
    if first == last:
        return [("day", first)]
    if (last - first).days < 7:
        mondays = {day - dt.timedelta(days=day.weekday()) for day in (first, last)}
        return [("week", monday) for monday in sorted(mondays)]
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(("month", month))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def floating(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """The centre's wall-clock time without an offset, the way the calendar places it."""
    return moment.astimezone(zone).replace(tzinfo=None).isoformat(timespec="seconds")


def to_event(appointment: Mapping[str, Any], zone: dt.tzinfo, colours: Mapping[str, str],
             services: Mapping[str, str], movable: bool) -> dict[str, Any]:
    """One appointment as an EventCalendar event: its therapist's colour, its status as a class and a word."""
    status = appointment["status"]
    return {
        "id": appointment["id"], "resourceIds": [appointment["therapist_id"]],
        "start": floating(parse_time(appointment["start"]), zone),
        "end": floating(parse_time(appointment["end"]), zone),
        "title": full_name(appointment["client"]),
        "editable": movable and status in MOVABLE,
        "classNames": [colours.get(appointment["therapist_id"], "therapist-colour-none"), f"status-{status}"],
        "extendedProps": {"status": status, "statusLabel": str(STATUS_LABELS.get(status, status)),
                          "service": services.get(appointment["service_code"], appointment["service_code"]),
                          "therapist": appointment.get("therapist_name", ""),
                          "override": bool(appointment.get("override"))},
    }


def visible(appointments: list[Mapping[str, Any]], first: dt.date, last: dt.date, status: str,
            zone: dt.tzinfo) -> list[Mapping[str, Any]]:
    """Each appointment once, starting on a day first..last; cancelled ones only when the filter asks."""
    seen: dict[str, Mapping[str, Any]] = {}
    for appointment in appointments:
        day = parse_time(appointment["start"]).astimezone(zone).date()
        hidden = appointment["status"] == "cancelled" and status not in ("cancelled", ALL_STATUSES)
        if first <= day <= last and not hidden:
            seen.setdefault(appointment["id"], appointment)
    return list(seen.values())


def _filters(args: Mapping[str, str]) -> dict[str, str]:
    return {name: args.get(name, "").strip() for name in FILTERS}


def _api_filters(filters: Mapping[str, str]) -> dict[str, str]:
    """The filters as the booking API takes them (its status filter is one known status, never 'all')."""
    return {k: v for k, v in filters.items() if v and (k != "status" or v in STATUS_LABELS)}


def _day(text: str | None, default: dt.date | None = None) -> dt.date:
    """A day from a query's ISO date (or datetime); without a default, an unreadable one is a 400."""
    try:
        return dt.date.fromisoformat((text or "")[:10])
    except ValueError:
        if default is None:
            abort(400)
        return default


def _catalog(client) -> dict[str, Any]:
    """Therapists, service types and rooms (three calls at once)."""
    return client.parallel(therapists=lambda: client.get("therapists", limit=200),
                           services=lambda: client.get("service-types", limit=200),
                           rooms=lambda: client.get("rooms", limit=200))


def _setup(view: str, day: dt.date, desk: bool, therapists: list[Mapping[str, Any]]) -> dict[str, Any]:
    """What calendar.js needs: the view, the columns (therapists, narrowed by the filters there), URLs, words."""
    any_id = "00000000-0000-0000-0000-000000000000"  # calendar.js puts the session's id in its place
    return {"view": view, "date": day.isoformat(), "editable": desk, "bookable": desk, "columns": desk,
            "locale": _calendar_locale(), "labels": _labels(),
            "resources": [{"id": t["id"], "title": t["name"], "extendedProps": {"services": t["service_codes"]}}
                          for t in therapists],
            "eventsUrl": url_for("staff.calendar_events"), "bookingUrl": url_for("staff.booking"),
            "panelUrl": url_for("staff.appointment", appointment_id=any_id),
            "moveUrl": url_for("staff.move", appointment_id=any_id)}


@bp.get("/calendar")
@signed_in(*SCHEDULE)
def calendar():
    """Day (a column per therapist), week, month and list of sessions, with filters and a colour legend."""
    user = current_user()
    desk = bool(user and user.holds(*DESK))
    data = _catalog(api())
    view = request.args.get("view") if request.args.get("view") in VIEWS else (
        "resourceTimeGridDay" if desk else "timeGridWeek")
    if view == "resourceTimeGridDay" and not desk:
        view = "timeGridDay"  # a therapist's calendar has one column: their own
    day = _day(request.args.get("date"), local_today())
    return page("staff/calendar/page.html", setup=_setup(view, day, desk, data["therapists"]),
                filters=_filters(request.args), desk=desk, colours=colour_classes(data["therapists"]),
                statuses=STATUS_LABELS, all_statuses=ALL_STATUSES, **data)


@bp.get("/calendar/events")
@signed_in(*SCHEDULE)
def calendar_events():
    """The sessions from `start` to `end` (days, end exclusive) as calendar events, in at most five API calls."""
    first = _day(request.args.get("start"))
    last = _day(request.args.get("end")) - dt.timedelta(days=1)
    if not 0 <= (last - first).days <= LONGEST_RANGE:
        abort(400)
    filters = _filters(request.args)
    client, wanted = api(), _api_filters(filters)
    calls: dict[str, Callable[[], Any]] = {
        f"{view}:{day}": (lambda view=view, day=day: client.get("calendar", view=view, date=day.isoformat(),
                                                                 **wanted))
        for view, day in api_ranges(first, last)}
    calls.update(therapists=lambda: client.get("therapists", limit=200),
                 services=lambda: client.get("service-types", limit=200))
    data = client.parallel(**calls)
    zone, user = current_tz(), current_user()
    colours = colour_classes(data.pop("therapists"))
    services = {s["code"]: s["name"] for s in data.pop("services")}
    found = [a for answer in data.values() for a in answer["appointments"]]
    movable = bool(user and user.holds(*DESK))
    return jsonify([to_event(a, zone, colours, services, movable)
                    for a in visible(found, first, last, filters["status"], zone)])


@bp.post("/calendar/appointments/<uuid:appointment_id>/move")
@signed_in(*DESK)
def move(appointment_id):
    """Reschedule a dragged session: 200, or 409/422 with the reason (the calendar puts the session back)."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}  # a list or a string is no move: "could not be read" below
    try:
        start = dt.datetime.fromisoformat(str(body.get("start", ""))).replace(tzinfo=current_tz())
    except ValueError:
        return jsonify(moved=False, message=_("This time could not be read; reload the page.")), 400
    change = {"start": start.isoformat(), "therapist_id": body.get("therapist_id") or None}
    try:
        moved = api().post(f"appointments/{appointment_id}/reschedule", change)
    except Conflict as exc:
        return jsonify(moved=False, message=api_message(exc.message)), 409
    except Invalid as exc:
        return jsonify(moved=False, message=refusal(exc)), 422
    return jsonify(moved=True, message=_("%(name)s moved to %(when)s.", name=full_name(moved["client"]),
                                         when=fmt_datetime(moved["start"])))


def refusal(exc: Invalid) -> str:
    """A refused move in the person's language: the rule the new time (or therapist) breaks."""
    reasons = [api_message(message) for messages in exc.errors.values() for message in messages]
    if not reasons:
        return api_message(exc.message)
    return _("This move is not possible: %(reason)s", reason="; ".join(reasons))


def _calendar_locale() -> str:
    """EventCalendar's locale: French, or British English (a 24-hour clock, weeks from Monday)."""
    return "fr" if str(get_locale()) == "fr" else "en-GB"


def _labels() -> dict[str, str]:
    """Every word EventCalendar and calendar.js show, in the page's language."""
    return {
        "today": _("Today"), "day": _("Day"), "week": _("Week"), "month": _("Month"), "list": _("List"),
        "Previous day": _("Previous day"), "Next day": _("Next day"), "Previous week": _("Previous week"),
        "Next week": _("Next week"), "Previous month": _("Previous month"), "Next month": _("Next month"),
        "close": _("Close"), "noEvents": _("No sessions"), "more": _("+%(count)s more", count="{n}"),
        "moved": _("The session is moved."), "notMoved": _("The session could not be moved; try again."),
        "notLoaded": _("The sessions could not be loaded; try again."),
        "override": _("Override"),
    }
