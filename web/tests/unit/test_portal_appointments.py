"""The family's sessions page: the dates asked for, sessions per child, the late-cancellation notice."""
import datetime as dt

from web.portal.appointments import RangeForm, by_child, date_range, late_notice

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
TODAY = NOW.date()


def session(child, start, status="booked", service="OT", id_=None):
    return {"id": id_ or f"{child}-{start}", "client": {"first_name": child, "last_name": "Martin"}, "status": status,
            "start": start, "service_code": service}


class Dates:
    """What RangeForm gives the view (its fields' data)."""

    def __init__(self, start=None, end=None):
        self.start, self.end = type("F", (), {"data": start})(), type("F", (), {"data": end})()


def test_the_dates_default_to_the_last_90_and_next_180_days_are_put_in_order_and_bounded_to_a_year():
    assert date_range(Dates(), TODAY) == (TODAY - dt.timedelta(days=90), TODAY + dt.timedelta(days=180))
    assert date_range(Dates(dt.date(2026, 12, 31), dt.date(2026, 12, 1)), TODAY) == (dt.date(2026, 12, 1),
                                                                                    dt.date(2026, 12, 31))
    first, last = date_range(Dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), TODAY)
    assert (first, (last - first).days) == (dt.date(2020, 1, 1), 366)
    assert RangeForm.Meta.csrf is False  # a GET filter


def test_sessions_are_grouped_per_child_upcoming_soonest_first_past_latest_first():
    items = [session("Lina", "2026-12-09T10:00:00+01:00"), session("Lina", "2026-12-02T10:00:00+01:00", "confirmed"),
             session("Lina", "2026-11-20T10:00:00+01:00", "completed"),
             session("Lina", "2026-11-25T10:00:00+01:00", "cancelled"),
             session("Hugo", "2026-12-03T10:00:00+01:00", "cancelled"),  # cancelled: never an upcoming one
             session("Hugo", "2026-11-30T10:00:00+01:00", "booked")]  # started yesterday, never marked
    hugo, lina = by_child(items, NOW)
    assert (hugo.name, [a["start"][:10] for a in hugo.upcoming]) == ("Hugo Martin", [])
    assert [a["start"][:10] for a in hugo.past] == ["2026-12-03", "2026-11-30"]
    assert [a["start"][:10] for a in lina.upcoming] == ["2026-12-02", "2026-12-09"]
    assert [a["start"][:10] for a in lina.past] == ["2026-11-25", "2026-11-20"]


def test_the_late_cancellation_notice_shows_only_inside_the_services_window():
    services = {"OT": {"late_cancel_hours": 24}, "ST": {"late_cancel_hours": 0}}
    assert late_notice(session("Lina", "2026-12-01T20:00:00+00:00"), services, NOW) is True
    assert late_notice(session("Lina", "2026-12-03T10:00:00+00:00"), services, NOW) is False
    assert late_notice(session("Lina", "2026-12-01T20:00:00+00:00", service="ST"), services, NOW) is False
    assert late_notice(session("Lina", "2026-12-01T20:00:00+00:00", service="??"), services, NOW) is False
