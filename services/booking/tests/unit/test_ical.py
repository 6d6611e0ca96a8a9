"""iCalendar text: escaping, 75-octet folding (UTF-8 aware), CRLF line ends, UTC times, discreet titles."""
import datetime as dt
from zoneinfo import ZoneInfo

from booking.feeds import initials
from booking.ical import Event, escape, fold, render

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)


def test_text_values_escape_backslash_semicolon_comma_and_newlines():
    assert escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 60  # 8 + 120 octets
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line
    assert fold("SHORT:ok") == "SHORT:ok"


def test_a_calendar_has_crlf_lines_utc_times_and_the_appointment_id_as_uid():
    start = dt.datetime(2026, 12, 3, 9, 0, tzinfo=PARIS)
    text = render("Sessions of Ana", [Event("appt-1", start, start + dt.timedelta(hours=1), "OT session (L.M.)",
                                            "CONFIRMED", NOW)], NOW)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in ("UID:appt-1", "DTSTART:20261203T080000Z", "DTEND:20261203T090000Z", "DTSTAMP:20261201T080000Z",
                 "SUMMARY:OT session (L.M.)", "STATUS:CONFIRMED"):
        assert f"\r\n{line}\r\n" in text


def test_titles_carry_only_initials():
    assert initials("Lina", "Martin") == "L.M." and initials("élodie", " ") == "É."
