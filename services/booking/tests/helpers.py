"""Builders for booking tests: unique service codes, therapists and rooms per test, dates in the coming weeks."""
import datetime as dt
import uuid
from contextlib import contextmanager


from servicekit.testing.events import event, opened, outbox_events  # noqa: F401 - re-exported for the tests

WEEKDAYS_9_TO_12 = [{"weekday": d, "start": "09:00", "end": "12:00"} for d in range(5)]


def unique_code():
    return "T" + uuid.uuid4().hex[:8].upper()


def monday(weeks_ahead=1):
    """The Monday `weeks_ahead` weeks from now (always in the future)."""
    today = dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday() + 7 * (weeks_ahead - 1))


def at(zone, day, hhmm):
    """An aware datetime at local wall-clock `hhmm` on `day` in `zone`."""
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=zone)


def make_service_type(client, tokens, duration=60, code=None, **rules):
    """A new service type (JSON); `rules` are its booking rules, e.g. min_notice_minutes=1440."""
    code = code or unique_code()
    resp = client.post("/api/v1/service-types", json={"code": code, "name": f"Therapy {code}",
                                                      "duration_minutes": duration, **rules},
                       headers=tokens.headers("admin"))
    assert resp.status_code == 201, resp.json
    return resp.json


def make_service(client, tokens, duration=60, code=None, **rules):
    return make_service_type(client, tokens, duration, code, **rules)["code"]


def make_room(client, tokens, room_type, name=None):
    resp = client.post("/api/v1/rooms", json={"name": name or f"Room {uuid.uuid4().hex[:8]}", "room_type": room_type},
                       headers=tokens.headers("admin"))
    assert resp.status_code == 201, resp.json
    return resp.json


def make_therapist(client, tokens, codes, name=None, hours=None):
    body = {"name": name or f"Therapist {uuid.uuid4().hex[:6]}", "service_codes": list(codes),
            "working_hours": WEEKDAYS_9_TO_12 if hours is None else hours}
    resp = client.post("/api/v1/therapists", json=body, headers=tokens.headers("admin"))
    assert resp.status_code == 201, resp.json
    return resp.json


def booking(code, start, **extra):
    body = {"service_code": code, "start": start.isoformat(),
            "client": {"first_name": "Lina", "last_name": "Martin", "birth_date": "2019-04-02"},
            "guardian": {"first_name": "Maya", "last_name": "Martin",
                         "email": f"parent-{uuid.uuid4().hex[:8]}@example.org", "phone": "+33 6 12 34 56 78"}}
    body.update(extra)
    return body


def book(client, code, start, headers=None, **extra):
    return client.post("/api/v1/appointments", json=booking(code, start, **extra), headers=headers or {})


@contextmanager
def closed(client, tokens, day, reason="Closed"):
    """The center closed on `day` for the block (closures are center-wide: never leave one behind)."""
    resp = client.post("/api/v1/closures", json={"date": day.isoformat(), "reason": reason},
                       headers=tokens.headers("admin"))
    assert resp.status_code == 201, resp.json
    try:
        yield resp.json
    finally:
        client.delete(f"/api/v1/closures/{resp.json['id']}", headers=tokens.headers("admin"))


def booked_ok(client, code, start, headers=None, **extra):
    """Book and insist it worked; the appointment JSON."""
    resp = book(client, code, start, headers=headers, **extra)
    assert resp.status_code == 201, resp.json
    return resp.json


