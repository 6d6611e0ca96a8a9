"""The week's planning: per therapist, available and booked hours day by day, and sessions per service."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import request
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.access import SCHEDULE, nav_item, signed_in
from web.api import api
from web.i18n import local_today
from web.render import page
from web.staff import bp

nav_item("staff.planning", _l("Planning"), SCHEDULE, 55)

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_start(label: str | None) -> dt.date | None:
    """The Monday of an ISO week written "2026-W49"; None when the text is not a week."""
    match = _WEEK.match((label or "").strip())
    if match is None:
        return None
    try:
        return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None


def week_label(monday: dt.date) -> str:
    """2026-11-30 -> "2026-W49"."""
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def hours(value: float | None) -> str:
    """7.5 -> "7.5 h" (en) or "7,5 h" (fr)."""
    return _("%(hours)s h", hours=format_decimal(value or 0, "#,##0.##"))


def occupancy(booked: float, available: float) -> str:
    """Booked time as a share of the available time ("—" when nothing was available)."""
    return format_percent(booked / available) if available else "—"


def totals(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The whole team's available and booked hours for the week."""
    return {"available_hours": round(sum(r["available_hours"] for r in rows), 2),
            "booked_hours": round(sum(r["booked_hours"] for r in rows), 2)}


@bp.get("/planning")
@signed_in(*SCHEDULE)
def planning():
    """One ISO week of every therapist's (or one's own) available and booked hours."""
    asked = request.args.get("week")
    monday = week_start(asked)
    if monday is None:
        today = local_today()
        monday = today - dt.timedelta(days=today.weekday())
    client = api()  # captured here: the calls run on other threads, outside this request's context
    found = client.parallel(rows=lambda: client.get("planning", week=week_label(monday)),
                           services=lambda: client.get("service-types", limit=200))
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    return page("staff/planning/week.html", rows=found["rows"], days=days, week=week_label(monday),
                previous=week_label(monday - dt.timedelta(days=7)), next=week_label(monday + dt.timedelta(days=7)),
                services={s["code"]: s["name"] for s in found["services"]}, totals=totals(found["rows"]),
                not_a_week=bool(asked) and week_start(asked) is None, hours=hours, occupancy=occupancy,
                week_number=monday.isocalendar()[1])
