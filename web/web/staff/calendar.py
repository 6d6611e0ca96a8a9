"""The calendar (front desk's home)."""
from flask import render_template
from flask_babel import lazy_gettext as _l

from web.access import SCHEDULE, nav_item, signed_in
from web.staff import bp

nav_item("staff.calendar", _l("Calendar"), SCHEDULE, 10)


@bp.get("/calendar")
@signed_in(*SCHEDULE)
def calendar():
    """Day, week and month of sessions."""
    return render_template("staff/calendar.html")
