"""Calendar views, the weekly planning and the therapists' iCalendar feeds."""
import datetime as dt
import uuid
from urllib.parse import parse_qs, urlparse

from booking.models import Appointment

from ..helpers import at, booked_ok, make_room, make_service, make_therapist, monday


def center(client, tokens, settings):
    """Two therapists of a fresh service, with sessions on Monday and Wednesday of week 2 for one family."""
    code = make_service(client, tokens)
    ana, bob = make_therapist(client, tokens, [code]), make_therapist(client, tokens, [code])
    child = str(uuid.uuid4())
    desk = tokens.headers("front_desk")
    day = monday(2)
    sessions = [booked_ok(client, code, at(settings.zone, day, "09:00"), desk, therapist_id=ana["id"],
                          client_id=child),
                booked_ok(client, code, at(settings.zone, day + dt.timedelta(days=2), "10:00"), desk,
                          therapist_id=bob["id"]),
                booked_ok(client, code, at(settings.zone, day + dt.timedelta(days=2), "11:00"), desk,
                          therapist_id=ana["id"])]
    return code, ana, bob, child, sessions


def view(client, headers, **query):
    return client.get("/api/v1/calendar", query_string=query, headers=headers)


def ids(resp):
    assert resp.status_code == 200, resp.json
    return [a["id"] for a in resp.json["appointments"]]


def test_day_week_and_month_views_of_the_whole_center_filtered_by_service(client, tokens, settings):
    code, _, _, _, sessions = center(client, tokens, settings)
    desk, day = tokens.headers("front_desk"), monday(2)
    week = view(client, desk, view="week", date=(day + dt.timedelta(days=3)).isoformat(), service_code=code)
    assert ids(week) == [s["id"] for s in sessions]
    assert week.json["from"] == day.isoformat() and week.json["to"] == (day + dt.timedelta(days=6)).isoformat()
    assert week.json["timezone"] == settings.center_timezone
    assert ids(view(client, desk, view="day", date=day.isoformat(), service_code=code)) == [sessions[0]["id"]]
    month = view(client, desk, view="month", date=day.isoformat(), service_code=code)
    assert month.json["from"].endswith("-01") and set(ids(month)) >= {s["id"] for s in sessions if
                                                                        s["start"][:7] == day.isoformat()[:7]}


def test_one_therapist_one_client_and_a_status(client, tokens, settings):
    code, ana, _, child, sessions = center(client, tokens, settings)
    desk, date = tokens.headers("front_desk"), monday(2).isoformat()
    assert ids(view(client, desk, date=date, therapist_id=ana["id"])) == [sessions[0]["id"], sessions[2]["id"]]
    assert ids(view(client, desk, date=date, client_id=child)) == [sessions[0]["id"]]
    client.post(f"/api/v1/appointments/{sessions[1]['id']}/confirm", headers=desk)
    assert ids(view(client, desk, date=date, service_code=code, status="confirmed")) == [sessions[1]["id"]]


def test_the_calendar_of_one_room(client, tokens, settings):
    room_type = f"gym-{uuid.uuid4().hex[:8]}"
    code = make_service(client, tokens, room_type=room_type)
    first, second = make_room(client, tokens, room_type, "A gym"), make_room(client, tokens, room_type, "B gym")
    ana, bob = make_therapist(client, tokens, [code]), make_therapist(client, tokens, [code])
    start, desk = at(settings.zone, monday(2), "09:00"), tokens.headers("front_desk")
    in_first = booked_ok(client, code, start, desk, therapist_id=ana["id"])
    in_second = booked_ok(client, code, start, desk, therapist_id=bob["id"])
    assert (in_first["room_id"], in_second["room_id"]) == (first["id"], second["id"])
    date = monday(2).isoformat()
    assert ids(view(client, desk, view="day", date=date, room_id=second["id"])) == [in_second["id"]]
    assert ids(view(client, desk, view="day", date=date, room_id=str(uuid.uuid4()))) == []

def test_a_therapist_sees_only_their_calendar_and_a_family_only_its_own(client, tokens, settings):
    _, ana, bob, child, sessions = center(client, tokens, settings)
    date = monday(2).isoformat()
    own = tokens.headers("therapist", therapist_id=ana["id"])
    assert ids(view(client, own, date=date)) == [sessions[0]["id"], sessions[2]["id"]]
    assert view(client, own, date=date, therapist_id=bob["id"]).status_code == 403
    family = tokens.headers("client", client_ids=[child])
    assert ids(view(client, family, date=date)) == [sessions[0]["id"]]
    assert view(client, family, date=date, client_id=str(uuid.uuid4())).status_code == 403
    assert view(client, {}, date=date).status_code == 401
    assert view(client, tokens.headers("biller"), date=date).status_code == 403
    bad = view(client, tokens.headers("front_desk"), view="year", date="2026-13-01", status="lost")
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"view", "date", "status"}


def planning(client, headers, **query):
    return client.get("/api/v1/planning", query_string=query, headers=headers)


def test_planning_shows_available_and_booked_hours_and_sessions_per_service(client, tokens, settings):
    code, ana, _, _, _ = center(client, tokens, settings)
    other_code = make_service(client, tokens)
    client.post(f"/api/v1/therapists/{ana['id']}/time-off", headers=tokens.headers("admin"), json={
        "start": at(settings.zone, monday(2) + dt.timedelta(days=4), "09:00").isoformat(),
        "end": at(settings.zone, monday(2) + dt.timedelta(days=4), "11:00").isoformat()})
    year, week, _ = monday(2).isocalendar()
    resp = planning(client, tokens.headers("front_desk"), week=f"{year}-W{week:02d}", therapist_id=ana["id"])
    assert resp.status_code == 200, resp.json
    days = [(monday(2) + dt.timedelta(days=n)).isoformat() for n in range(7)]
    assert resp.json == [{"therapist_id": ana["id"], "name": ana["name"], "week": f"{year}-W{week:02d}",
                          "available_hours": 13.0, "booked_hours": 2.0, "sessions_per_service": {code: 2},
                          "days": [{"date": day, "available_hours": available, "booked_hours": booked}
                                   for day, available, booked in zip(days, (3.0, 3.0, 3.0, 3.0, 1.0, 0.0, 0.0),
                                                                     (1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0))]}]
    assert other_code not in resp.json[0]["sessions_per_service"]


def test_a_therapist_plans_only_their_own_week_and_bad_weeks_are_422(client, tokens, settings):
    _, ana, bob, _, _ = center(client, tokens, settings)
    year, week, _ = monday(2).isocalendar()
    own = planning(client, tokens.headers("therapist", therapist_id=ana["id"]), week=f"{year}-W{week:02d}")
    assert [row["therapist_id"] for row in own.json] == [ana["id"]]
    everyone = planning(client, tokens.headers("front_desk"), week=f"{year}-W{week:02d}")
    assert {ana["id"], bob["id"]} <= {row["therapist_id"] for row in everyone.json}
    for bad in ("2026-49", "2026-W54", "2026-W00", "2025-W53"):
        resp = planning(client, tokens.headers("front_desk"), week=bad)
        assert resp.status_code == 422 and "week" in resp.json["errors"], bad
    assert planning(client, tokens.headers("therapist"), week=f"{year}-W{week:02d}").json == []  # no therapist_id
    assert planning(client, tokens.headers("client")).status_code == 403
    assert planning(client, {}).status_code == 401


def feed_url(client, tokens, therapist_id, headers=None):
    resp = client.post(f"/api/v1/therapists/{therapist_id}/calendar-token", headers=headers or tokens.headers("admin"))
    assert resp.status_code == 200, resp.json
    return resp.json["url"]


def fetch(client, url):
    parsed = urlparse(url)
    return client.get(parsed.path, query_string={k: v[0] for k, v in parse_qs(parsed.query).items()})


def test_a_therapist_subscribes_to_a_feed_without_client_names_or_notes(client, db, tokens, settings):
    code, ana, _, _, sessions = center(client, tokens, settings)
    with db.transaction() as s:
        s.get(Appointment, sessions[0]["id"]).notes = "Sensory processing disorder"
    url = feed_url(client, tokens, ana["id"], tokens.headers("therapist", therapist_id=ana["id"]))
    assert url.startswith(f"{settings.public_base_url}/api/v1/therapists/{ana['id']}/calendar.ics?token=")
    resp = fetch(client, url)
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    text = resp.get_data(as_text=True)
    assert f"UID:{sessions[0]['id']}\r\n" in text and f"UID:{sessions[2]['id']}\r\n" in text
    assert f"UID:{sessions[1]['id']}" not in text
    assert f"SUMMARY:{code} session (L.M.)\r\n" in text
    assert "Lina" not in text and "Martin" not in text and "Sensory" not in text
    start = dt.datetime.fromisoformat(sessions[0]["start"]).astimezone(dt.timezone.utc)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\n" in text


def test_a_renewed_link_replaces_the_old_one_and_bad_tokens_are_refused(client, tokens, settings):
    _, ana, bob, _, _ = center(client, tokens, settings)
    old = feed_url(client, tokens, ana["id"])
    new = feed_url(client, tokens, ana["id"])
    assert fetch(client, old).status_code == 401 and fetch(client, new).status_code == 200
    assert client.get(f"/api/v1/therapists/{ana['id']}/calendar.ics").status_code == 401
    assert client.get(f"/api/v1/therapists/{bob['id']}/calendar.ics", query_string={
        "token": parse_qs(urlparse(new).query)["token"][0]}).status_code == 401
    url = f"/api/v1/therapists/{ana['id']}/calendar-token"
    assert client.post(url, headers=tokens.headers("therapist", therapist_id=bob["id"])).status_code == 403
    assert client.post(url, headers=tokens.headers("front_desk")).status_code == 403
    assert client.post(url).status_code == 401
    assert client.post(f"/api/v1/therapists/{uuid.uuid4()}/calendar-token",
                       headers=tokens.headers("admin")).status_code == 404
