"""No double booking of a therapist, a room or a client: the database refuses overlapping active appointments,
even under concurrent requests and concurrent series; only an explicit staff override may overlap."""
import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from booking.models import Appointment

from ..helpers import at, book, booking, make_room, make_service, make_therapist, monday


def row(therapist_id, code, start, minutes=60, status="booked", **extra):
    return Appointment(service_code=code, therapist_id=therapist_id, start_at=start,
                       end_at=start + dt.timedelta(minutes=minutes), status=status, client_first_name="A",
                       client_last_name="B", guardian_first_name="C", guardian_last_name="D",
                       guardian_email="c.d@example.org", source="online", **extra)


def together(app, count, attempt):
    """Run `attempt(i, client)` in `count` threads released at once; their results in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        client = app.test_client()
        barrier.wait()
        results[i] = attempt(i, client)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def active_count(db, **match):
    with db.transaction() as s:
        stmt = select(func.count()).select_from(Appointment).where(
            Appointment.status.in_(("booked", "confirmed", "pending_cancel", "held")))
        for key, value in match.items():
            stmt = stmt.where(getattr(Appointment, key) == value)
        return s.scalar(stmt)


def test_twenty_concurrent_bookings_of_one_slot_yield_exactly_one_appointment(app, db, tokens, settings):
    setup = app.test_client()
    code = make_service(setup, tokens)
    therapist = make_therapist(setup, tokens, [code])
    start = at(settings.zone, monday(2), "10:00")
    statuses = together(app, 20, lambda i, c: book(c, code, start, therapist_id=therapist["id"]).status_code)
    assert sorted(statuses) == [201] + [409] * 19
    assert active_count(db, therapist_id=therapist["id"]) == 1


def test_concurrent_bookings_of_the_only_room_by_different_therapists_yield_one(app, db, tokens, settings):
    setup = app.test_client()
    room_type = f"gym-{uuid.uuid4().hex[:6]}"
    code = make_service(setup, tokens, room_type=room_type)
    room = make_room(setup, tokens, room_type)
    people = [make_therapist(setup, tokens, [code]) for _ in range(8)]
    start = at(settings.zone, monday(2), "10:00")
    statuses = together(app, 8, lambda i, c: book(c, code, start, therapist_id=people[i]["id"]).status_code)
    assert sorted(statuses) == [201] + [409] * 7
    assert active_count(db, room_id=room["id"]) == 1


def test_concurrent_bookings_of_one_client_with_different_therapists_yield_one(app, db, tokens, settings):
    setup = app.test_client()
    code = make_service(setup, tokens)
    people = [make_therapist(setup, tokens, [code]) for _ in range(8)]
    child, start = str(uuid.uuid4()), at(settings.zone, monday(2), "11:00")
    desk = tokens.headers("front_desk")
    statuses = together(app, 8, lambda i, c: book(c, code, start, headers=desk, therapist_id=people[i]["id"],
                                                  client_id=child).status_code)
    assert sorted(statuses) == [201] + [409] * 7
    assert active_count(db, client_id=child) == 1


def test_parallel_series_over_overlapping_dates_give_each_occurrence_to_exactly_one(app, db, tokens, settings):
    setup = app.test_client()
    code = make_service(setup, tokens)
    therapist = make_therapist(setup, tokens, [code])
    desk = tokens.headers("front_desk")

    def series(i, client):
        body = booking(code, at(settings.zone, monday(1 + i), "09:00"), therapist_id=therapist["id"], count=5,
                       every_weeks=1)
        return client.post("/api/v1/appointment-series", json=body, headers=desk).json

    results = together(app, 4, series)  # weeks 1-5, 2-6, 3-7, 4-8
    booked = [a["start"] for r in results for a in r.get("booked", [])]
    assert sorted(booked) == sorted({at(settings.zone, monday(w), "09:00").isoformat() for w in range(1, 9)})
    reasons = {c["reason"] for r in results for c in r["conflicts"]}
    assert reasons <= {"That slot is already taken; pick another time.", "That slot was just taken; pick another time."}
    for week in range(1, 9):
        start = at(settings.zone, monday(week), "09:00").astimezone(dt.timezone.utc)
        assert active_count(db, therapist_id=therapist["id"], start_at=start) == 1


def test_the_database_refuses_overlaps_written_behind_the_codes_back(client, db, tokens, settings):
    code = make_service(client, tokens)
    ana, bob = make_therapist(client, tokens, [code]), make_therapist(client, tokens, [code])
    room = make_room(client, tokens, "office")
    child, start = str(uuid.uuid4()), at(settings.zone, monday(2), "09:00")
    with db.transaction() as s:
        s.add(row(ana["id"], code, start, room_id=room["id"], client_id=child))
    for clash in (row(ana["id"], code, start + dt.timedelta(minutes=30)),
                  row(bob["id"], code, start, room_id=room["id"]),
                  row(bob["id"], code, start, client_id=child),
                  row(bob["id"], code, start, status="pending_cancel", client_id=child),
                  row(bob["id"], code, start, status="held", room_id=room["id"])):
        with pytest.raises(IntegrityError):
            with db.transaction() as s:
                s.add(clash)
    with db.transaction() as s:
        s.add(row(bob["id"], code, start, room_id=room["id"], client_id=child, override_reason="twins together"))
        s.add(row(bob["id"], code, start + dt.timedelta(hours=1), room_id=room["id"], client_id=child))


def test_cancelled_appointments_do_not_hold_their_slot_and_adjacent_ones_do_not_overlap(client, db, tokens,
                                                                                        settings):
    code = make_service(client, tokens)
    therapist = make_therapist(client, tokens, [code])
    start = at(settings.zone, monday(2), "09:00")
    with db.transaction() as s:
        s.add(row(therapist["id"], code, start, status="cancelled"))
        s.add(row(therapist["id"], code, start))
        s.add(row(therapist["id"], code, start + dt.timedelta(minutes=60)))
    with pytest.raises(IntegrityError):
        with db.transaction() as s:
            cancelled = s.scalars(select(Appointment).where(Appointment.therapist_id == therapist["id"],
                                                            Appointment.status == "cancelled")).one()
            cancelled.status = "booked"
