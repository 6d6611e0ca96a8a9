"""The relay's periodic job: a lapsed wait-list hold ends and its slot goes to the next family."""
import datetime as dt

from sqlalchemy import select, update

from booking.models import Appointment, WaitlistEntry, WaitlistOffer
from booking.offers import expire_holds
from booking.service import SPEC

from ..helpers import at, booked_ok, make_service, make_therapist, monday, outbox_events


def join(client, code):
    resp = client.post("/api/v1/waitlist", json={
        "service_code": code, "client": {"first_name": "Noa", "last_name": "Petit"},
        "guardian": {"first_name": "Eva", "last_name": "Petit", "email": "eva.petit@example.org"}})
    assert resp.status_code == 201
    return resp.json["id"]


def lapse_all(db, entry_id):
    with db.transaction() as s:
        s.execute(update(WaitlistOffer).where(WaitlistOffer.entry_id == entry_id).values(
            hold_until=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))


def test_an_expired_hold_goes_to_the_next_entry_and_the_first_waits_again(client, db, tokens, settings):
    code = make_service(client, tokens)
    therapist = make_therapist(client, tokens, [code])
    appt = booked_ok(client, code, at(settings.zone, monday(2), "10:00"), therapist_id=therapist["id"])
    first, second = join(client, code), join(client, code)
    client.post(f"/api/v1/appointments/{appt['id']}/cancel", json={"reason": "x"},
                headers=tokens.headers("front_desk"))
    lapse_all(db, first)
    with db.transaction() as s:
        assert expire_holds(s, settings) >= 1
    with db.transaction() as s:
        entries = {e.id: e.status for e in s.scalars(select(WaitlistEntry).where(
            WaitlistEntry.id.in_([first, second])))}
        [held] = s.scalars(select(Appointment).where(Appointment.therapist_id == therapist["id"],
                                                     Appointment.status == "held")).all()
        [offer] = s.scalars(select(WaitlistOffer).where(WaitlistOffer.entry_id == second)).all()
    assert entries == {first: "waiting", second: "offered"}
    assert offer.appointment_id == held.id and held.start_at.isoformat() == \
        dt.datetime.fromisoformat(appt["start"]).astimezone(dt.timezone.utc).isoformat()
    assert outbox_events(db, "waitlist.slot_offered", entry_id=second)


def test_when_nobody_else_waits_the_lapsed_slot_is_free_for_anyone(client, db, tokens, settings):
    code = make_service(client, tokens)
    therapist = make_therapist(client, tokens, [code])
    appt = booked_ok(client, code, at(settings.zone, monday(2), "11:00"), therapist_id=therapist["id"])
    only = join(client, code)
    client.post(f"/api/v1/appointments/{appt['id']}/cancel", json={"reason": "x"},
                headers=tokens.headers("front_desk"))
    lapse_all(db, only)
    with db.transaction() as s:
        expire_holds(s, settings)
    rebook = client.post("/api/v1/appointments", json={
        "service_code": code, "start": appt["start"], "therapist_id": therapist["id"],
        "client": {"first_name": "Al", "last_name": "B"},
        "guardian": {"first_name": "C", "last_name": "D", "email": "c.d@example.org"}})
    assert rebook.status_code == 201


def test_the_job_is_registered_with_the_relay():
    assert [job.name for job in SPEC.periodic] == ["waitlist-holds"] and SPEC.periodic[0].run is expire_holds
