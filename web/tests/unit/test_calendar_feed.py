"""The calendar's pure helpers: which API calls cover a range, sessions as events, colours, refusals in French."""
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from web import i18n
from web.config import WebSettings
from web.gateway import Invalid
from web.staff.calendar import (ALL_STATUSES, PALETTE_SIZE, api_ranges, colour_classes, floating, refusal,
                                to_event, visible)

PARIS = ZoneInfo("Europe/Paris")
CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "calendar.css"


@pytest.fixture()
def app():
    settings = WebSettings(service="web", database_url="sqlite://", secret_key="test")
    app = Flask("web")
    app.config["SECRET_KEY"] = "test"
    app.extensions["web.settings"] = settings
    i18n.install(app, settings)
    return app


def appointment(id_="a1", start="2026-12-01T10:00:00+01:00", end="2026-12-01T11:00:00+01:00", status="booked",
                therapist="t1", **extra):
    return {"id": id_, "start": start, "end": end, "status": status, "therapist_id": therapist,
            "therapist_name": "Amélie Laurent", "service_code": "OT",
            "client": {"first_name": "Lina", "last_name": "Martin"}, **extra}


def test_the_fewest_calendar_calls_cover_a_day_a_week_or_a_month_grid():
    day = dt.date(2026, 12, 1)
    assert api_ranges(day, day) == [("day", day)]
    assert api_ranges(dt.date(2026, 11, 30), dt.date(2026, 12, 6)) == [("week", dt.date(2026, 11, 30))]
    # A week from Sunday spans two ISO weeks: two calls, never seven.
    assert api_ranges(dt.date(2026, 11, 29), dt.date(2026, 12, 5)) == [
        ("week", dt.date(2026, 11, 23)), ("week", dt.date(2026, 11, 30))]
    # December's grid shows six weeks, from 30 November to 10 January: three months.
    assert api_ranges(dt.date(2026, 11, 30), dt.date(2027, 1, 10)) == [
        ("month", dt.date(2026, 11, 1)), ("month", dt.date(2026, 12, 1)), ("month", dt.date(2027, 1, 1))]


def test_a_session_keeps_the_centres_wall_clock_time_on_both_sides_of_a_clock_change():
    assert floating(dt.datetime(2026, 3, 28, 9, 0, tzinfo=dt.timezone.utc), PARIS) == "2026-03-28T10:00:00"
    assert floating(dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.timezone.utc), PARIS) == "2026-03-30T10:00:00"


def test_a_session_is_an_event_in_its_therapists_colour_with_its_status_in_words(app):
    colours = {"t1": "therapist-colour-3"}
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        event = to_event(appointment(override={"reason": "Twins"}), PARIS, colours, {"OT": "Ergothérapie"}, True)
        assert event["start"] == "2026-12-01T10:00:00" and event["end"] == "2026-12-01T11:00:00"
        assert event["title"] == "Lina Martin" and event["resourceIds"] == ["t1"]
        assert event["classNames"] == ["therapist-colour-3", "status-booked"] and event["editable"] is True
        assert event["extendedProps"]["statusLabel"] == "Réservée"
        assert event["extendedProps"]["service"] == "Ergothérapie" and event["extendedProps"]["override"] is True
        done = to_event(appointment(status="completed", therapist="new"), PARIS, colours, {}, True)
        assert done["editable"] is False and done["classNames"][0] == "therapist-colour-none"
        assert to_event(appointment(), PARIS, colours, {}, False)["editable"] is False  # a therapist's calendar


def test_each_session_is_shown_once_in_the_range_and_cancelled_ones_only_when_asked():
    first, last = dt.date(2026, 12, 1), dt.date(2026, 12, 7)
    rows = [appointment("a"), appointment("a"), appointment("b", status="cancelled"),
            appointment("c", start="2026-12-08T09:00:00+01:00"),
            appointment("d", start="2026-11-30T23:30:00+00:00")]  # 00:30 on 1 December in Paris
    assert [a["id"] for a in visible(rows, first, last, "", PARIS)] == ["a", "d"]
    assert [a["id"] for a in visible(rows, first, last, ALL_STATUSES, PARIS)] == ["a", "b", "d"]
    assert [a["id"] for a in visible(rows, first, last, "cancelled", PARIS)] == ["a", "b", "d"]


def test_therapists_keep_their_colour_by_place_and_every_colour_keeps_aa_contrast_with_white_text():
    people = [{"id": f"t{n}"} for n in range(PALETTE_SIZE + 1)]
    assert colour_classes(people)["t0"] == "therapist-colour-0"
    assert colour_classes(people)[f"t{PALETTE_SIZE}"] == "therapist-colour-0"
    colours = dict(re.findall(r"\.therapist-colour-(\w+) \{ --ec-event-bg-color: (#[0-9a-f]{6})", CSS.read_text()))
    assert set(colours) >= {str(n) for n in range(PALETTE_SIZE)} | {"none"}
    assert {name: round(contrast(hex_colour), 2) for name, hex_colour in colours.items()
            if contrast(hex_colour) < 4.5} == {}


def test_a_refused_move_says_which_rule_in_the_page_language(app):
    refused = Invalid(422, "Unprocessable", "", {"start": ["outside the therapist's working hours"]})
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert refusal(refused) == "Ce déplacement n'est pas possible : en dehors des heures de travail du thérapeute"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert refusal(refused) == "This move is not possible: outside the therapist's working hours"
        assert refusal(Invalid(400, "Bad", "Unreadable.", {})) == "Unreadable."


def contrast(hex_colour: str) -> float:
    """WCAG contrast ratio of `hex_colour` against white."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)
