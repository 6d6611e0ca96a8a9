"""iCalendar (RFC 5545) text, written by hand: escaping, 75-octet line folding, CRLF, UTC times. Pure."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

CRLF = "\r\n"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    status: str  # CONFIRMED or TENTATIVE
    updated: dt.datetime


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (UTF-8), continuations starting with a space."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            pieces.append(current)
            current, size = " ", 1  # the leading space counts towards the next line's 75 octets
        current += char
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def utc_stamp(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form (RFC 5545 3.3.5), e.g. 20261203T080000Z."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def render(calendar_name: str, events: Iterable[Event], now: dt.datetime) -> str:
    """A VCALENDAR a calendar app can subscribe to."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Therapy center//Booking//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(calendar_name)}"]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{utc_stamp(now)}",
                  f"DTSTART:{utc_stamp(event.start)}", f"DTEND:{utc_stamp(event.end)}",
                  f"SUMMARY:{escape(event.summary)}", f"STATUS:{event.status}",
                  f"LAST-MODIFIED:{utc_stamp(event.updated)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
