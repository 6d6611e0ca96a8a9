"""A weekly series is one inquiry: its sessions open one opportunity, not one each."""
import uuid

from sqlalchemy import select

from servicekit.messaging.consumer import apply_event

from crm.handlers import handlers
from crm.models import Activity, Opportunity

from ..helpers import booked, outbox_events


def apply(db, env):
    return apply_event(db, "crm", handlers, env)


def opportunities_of(db, client_id):
    with db.transaction() as s:
        return list(s.scalars(select(Opportunity).where(Opportunity.client_id == client_id)))


def test_every_session_of_a_series_belongs_to_the_opportunity_its_first_session_opened(db):
    series_id, email = str(uuid.uuid4()), f"series-{uuid.uuid4().hex[:8]}@example.org"
    sessions = [booked(email=email, last="Series-x1", series_id=series_id) for _ in range(3)]
    for env in sessions:
        assert apply(db, env) is True
    [opp] = opportunities_of(db, _client_of(db, sessions[0]))
    assert opp.series_id == series_id and opp.appointment_id == sessions[0].data["appointment_id"]
    assert len(outbox_events(db, "opportunity.stage_changed", opportunity_id=opp.id)) == 1
    with db.transaction() as s:
        booked_lines = s.scalars(select(Activity).where(Activity.client_id == opp.client_id,
                                                        Activity.kind == "appointment_booked")).all()
    assert len(booked_lines) == 1, "the timeline shows the inquiry once"


def test_bookings_outside_a_series_still_open_one_opportunity_each(db):
    email = f"single-{uuid.uuid4().hex[:8]}@example.org"
    first, second = booked(email=email, last="Single-x1"), booked(email=email, last="Single-x1", series_id=None)
    apply(db, first)
    apply(db, second)
    opportunities = opportunities_of(db, _client_of(db, first))
    assert {o.appointment_id for o in opportunities} == {first.data["appointment_id"], second.data["appointment_id"]}
    assert all(o.series_id is None for o in opportunities)


def _client_of(db, env):
    with db.transaction() as s:
        return s.scalars(select(Opportunity.client_id).where(
            Opportunity.appointment_id == env.data["appointment_id"])).one()
