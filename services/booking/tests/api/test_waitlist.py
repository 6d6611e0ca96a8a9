"""The wait list: joining, who sees it, offers of freed slots (FIFO, therapist, windows), holds, accepting."""
import datetime as dt
import uuid
from urllib.parse import parse_qs, urlparse

from booking.models import WaitlistOffer

from ..helpers import at, book, booked_ok, booking, make_service, make_therapist, monday, opened, outbox_events


def join(client, code, headers=None, **extra):
    body = {k: v for k, v in booking(code, dt.datetime.now(dt.timezone.utc)).items() if k in ("client", "guardian")}
    body.update(service_code=code, **extra)
    return client.post("/api/v1/waitlist", json=body, headers=headers or {})


def joined(client, code, headers=None, **extra):
    resp = join(client, code, headers, **extra)
    assert resp.status_code == 201, resp.json
    return resp.json


def setup(client, tokens, settings, hhmm="10:00"):
    """A service, a therapist and one booked session (front desk) that can be cancelled to free its slot."""
    code = make_service(client, tokens)
    therapist = make_therapist(client, tokens, [code])
    appt = booked_ok(client, code, at(settings.zone, monday(2), hhmm), headers=tokens.headers("front_desk"),
                     therapist_id=therapist["id"])
    return code, therapist, appt


def free_up(client, tokens, appt):
    resp = client.post(f"/api/v1/appointments/{appt['id']}/cancel", json={"reason": "Moved away"},
                       headers=tokens.headers("front_desk"))
    assert resp.status_code == 200


def offer_of(db, entry_id):
    """The offer event's data, its accept link opened (events carry it sealed: servicekit.sealing)."""
    [event] = outbox_events(db, "waitlist.slot_offered", entry_id=entry_id)
    assert "token=" not in event["data"]["accept_url"]
    return {**event["data"], "accept_url": opened(event["data"]["accept_url"])}


def token_of(offer):
    return parse_qs(urlparse(offer["accept_url"]).query)["token"][0]


def test_families_and_anonymous_visitors_join_and_only_staff_list(client, tokens):
    code = make_service(client, tokens)
    child = str(uuid.uuid4())
    family = tokens.headers("client", client_ids=[child])
    mine = joined(client, code, family, client_id=child, windows=[{"weekday": 0, "start": "09:00", "end": "12:00"}])
    assert mine["status"] == "waiting" and mine["source"] == "portal" and mine["offer"] is None
    assert mine["windows"] == [{"weekday": 0, "start": "09:00", "end": "12:00"}]
    assert joined(client, code)["source"] == "online"
    assert join(client, code, family, client_id=str(uuid.uuid4())).status_code == 403
    assert join(client, code, client_id=child).status_code == 401
    listed = client.get(f"/api/v1/waitlist?service_code={code}", headers=tokens.headers("front_desk"))
    assert [e["id"] for e in listed.json][:1] == [mine["id"]] and len(listed.json) == 2
    assert client.get("/api/v1/waitlist", headers=family).status_code == 403
    assert client.get("/api/v1/waitlist").status_code == 401


def test_joining_is_validated_by_field(client, tokens):
    code = make_service(client, tokens)
    bad = join(client, "NOPE99")
    assert bad.status_code == 422 and "service_code" in bad.json["errors"]
    windows = join(client, code, windows=[{"weekday": 8, "start": "10:00", "end": "11:00"},
                                          {"weekday": 1, "start": "10:00", "end": "09:00"}])
    assert windows.status_code == 422 and {"windows.0.weekday", "windows.1.end"} <= set(windows.json["errors"])
    other = make_therapist(client, tokens, [make_service(client, tokens)])
    wrong = join(client, code, therapist_id=other["id"])
    assert wrong.status_code == 422 and "therapist_id" in wrong.json["errors"]


def test_a_freed_slot_is_offered_to_the_first_entry_and_held_for_it(client, db, tokens, settings):
    code, therapist, appt = setup(client, tokens, settings)
    first, second = joined(client, code), joined(client, code)
    free_up(client, tokens, appt)
    offer = offer_of(db, first["id"])
    assert offer["start"] == appt["start"] and offer["therapist_id"] == therapist["id"]
    assert offer["accept_url"].startswith(f"{settings.public_base_url}/waitlist/{first['id']}/offer?token=")
    assert dt.datetime.fromisoformat(offer["hold_until"]) > dt.datetime.now(dt.timezone.utc) + dt.timedelta(
        minutes=settings.waitlist_hold_minutes - 5)
    assert not outbox_events(db, "waitlist.slot_offered", entry_id=second["id"])
    day = monday(2).isoformat()
    starts = [s["start"] for s in client.get("/api/v1/slots", query_string={
        "service_code": code, "from": day, "to": day}).json]
    assert appt["start"] not in starts
    taken = book(client, code, dt.datetime.fromisoformat(appt["start"]), therapist_id=therapist["id"])
    assert taken.status_code == 409


def test_the_family_accepts_with_the_link_and_the_session_is_booked(client, db, tokens, settings):
    code, _, appt = setup(client, tokens, settings)
    entry = joined(client, code)
    free_up(client, tokens, appt)
    offer = offer_of(db, entry["id"])
    url = f"/api/v1/waitlist/{entry['id']}/accept"
    assert client.post(url).status_code == 401
    assert client.post(url, query_string={"token": "forged"}).status_code == 401
    assert client.post(url, headers=tokens.headers("client", client_ids=[str(uuid.uuid4())])).status_code == 403
    assert client.get(f"/api/v1/waitlist/{entry['id']}").status_code == 401
    seen = client.get(f"/api/v1/waitlist/{entry['id']}", query_string={"token": token_of(offer)})
    assert seen.status_code == 200 and seen.json["offer"]["start"] == appt["start"]
    accepted = client.post(url, query_string={"token": token_of(offer)})
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "booked" and accepted.json["start"] == appt["start"]
    assert accepted.json["source"] == "online"
    [event] = outbox_events(db, "appointment.booked", appointment_id=accepted.json["id"])
    assert event["data"]["guardian"]["email"] == entry["guardian"]["email"]
    assert client.get(f"/api/v1/waitlist/{entry['id']}", headers=tokens.headers("front_desk")).json["status"] == \
        "booked"
    twice = client.post(url, query_string={"token": token_of(offer)})
    assert twice.status_code == 409 and "no open offer" in twice.json["detail"]


def test_staff_accept_for_a_family_and_the_portal_accepts_its_own(client, db, tokens, settings):
    code, _, appt = setup(client, tokens, settings)
    child = str(uuid.uuid4())
    entry = joined(client, code, tokens.headers("client", client_ids=[child]), client_id=child)
    free_up(client, tokens, appt)
    resp = client.post(f"/api/v1/waitlist/{entry['id']}/accept", headers=tokens.headers("client", client_ids=[child]))
    assert resp.status_code == 200 and resp.json["source"] == "portal" and resp.json["client_id"] == child


def test_an_expired_offer_cannot_be_accepted(client, db, tokens, settings):
    code, _, appt = setup(client, tokens, settings)
    entry = joined(client, code)
    free_up(client, tokens, appt)
    with db.transaction() as s:
        offer = s.query(WaitlistOffer).filter_by(entry_id=entry["id"]).one()
        offer.hold_until = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    resp = client.post(f"/api/v1/waitlist/{entry['id']}/accept", headers=tokens.headers("front_desk"))
    assert resp.status_code == 410 and "expired" in resp.json["detail"]


def test_offers_respect_the_asked_therapist_and_weekly_windows(client, db, tokens, settings):
    code, therapist, appt = setup(client, tokens, settings, hhmm="10:00")
    other = make_therapist(client, tokens, [code])
    someone_else = joined(client, code, therapist_id=other["id"])
    wrong_day = joined(client, code, windows=[{"weekday": 3, "start": "09:00", "end": "12:00"}])
    mornings = joined(client, code, therapist_id=therapist["id"],
                      windows=[{"weekday": 0, "start": "09:30", "end": "11:00"}])
    free_up(client, tokens, appt)
    assert not outbox_events(db, "waitlist.slot_offered", entry_id=someone_else["id"])
    assert not outbox_events(db, "waitlist.slot_offered", entry_id=wrong_day["id"])
    assert offer_of(db, mornings["id"])["start"] == appt["start"]


def test_leaving_the_list_while_offered_passes_the_slot_to_the_next_family(client, db, tokens, settings):
    code, _, appt = setup(client, tokens, settings)
    first, second = joined(client, code), joined(client, code)
    free_up(client, tokens, appt)
    token = token_of(offer_of(db, first["id"]))
    assert client.delete(f"/api/v1/waitlist/{first['id']}").status_code == 401
    assert client.delete(f"/api/v1/waitlist/{first['id']}", query_string={"token": token}).status_code == 204
    assert offer_of(db, second["id"])["start"] == appt["start"]
    gone = client.delete(f"/api/v1/waitlist/{first['id']}", headers=tokens.headers("front_desk"))
    assert gone.status_code == 409
    assert client.delete(f"/api/v1/waitlist/{uuid.uuid4()}", headers=tokens.headers("front_desk")).status_code == 404


def test_a_rescheduled_session_frees_its_old_slot_for_the_wait_list(client, db, tokens, settings):
    code, _, appt = setup(client, tokens, settings)
    entry = joined(client, code)
    moved = client.post(f"/api/v1/appointments/{appt['id']}/reschedule", headers=tokens.headers("front_desk"),
                        json={"start": at(settings.zone, monday(3), "10:00").isoformat()})
    assert moved.status_code == 200
    assert offer_of(db, entry["id"])["start"] == appt["start"]
