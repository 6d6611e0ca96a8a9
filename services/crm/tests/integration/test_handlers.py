"""CRM event handlers against the real database, through the same inbox transaction the consumer uses."""
from sqlalchemy import func, select

from servicekit.messaging.consumer import apply_event

from crm.handlers import handlers
from crm.models import Activity, Client, Opportunity

from ..helpers import booked, event, outbox_events


def apply(db, env):
    return apply_event(db, "crm", handlers, env)


def opportunity_for(db, appointment_id):
    with db.transaction() as s:
        return s.scalars(select(Opportunity).where(Opportunity.appointment_id == appointment_id)).one()


def test_booking_opens_a_new_opportunity_for_a_new_family_and_announces_the_client(db):
    env = booked()
    assert apply(db, env) is True
    opp = opportunity_for(db, env.data["appointment_id"])
    assert opp.stage == "new" and opp.source == "online" and opp.service_code == "OT"
    with db.transaction() as s:
        client = s.get(Client, opp.client_id)
        assert client.status == "prospect" and client.guardians[0].email == env.data["guardian"]["email"]
    [created] = outbox_events(db, "client.created", client_id=opp.client_id)
    assert created["data"]["guardians"][0]["email"] == env.data["guardian"]["email"]
    assert created["correlation_id"] == env.correlation_id and created["causation_id"] == env.id
    assert outbox_events(db, "opportunity.stage_changed", opportunity_id=opp.id)[0]["data"]["to_stage"] == "new"


def test_redelivered_booking_creates_nothing_twice(db):
    env = booked()
    assert apply(db, env) is True
    assert apply(db, env) is False
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Opportunity)
                        .where(Opportunity.appointment_id == env.data["appointment_id"])) == 1


def test_second_booking_of_the_same_child_matches_the_existing_client(db):
    first = booked(email="Same.Parent@Example.org", last="Dupont-x1")
    second = booked(email="same.parent@example.org", last="dupont-X1")
    apply(db, first)
    apply(db, second)
    assert opportunity_for(db, first.data["appointment_id"]).client_id == \
        opportunity_for(db, second.data["appointment_id"]).client_id


def test_a_sibling_gets_their_own_client_under_the_same_guardian(db):
    first = booked(email="siblings@example.org", first="Noah", last="Martin-s1")
    second = booked(email="siblings@example.org", first="Emma", last="Martin-s1")
    apply(db, first)
    apply(db, second)
    a = opportunity_for(db, first.data["appointment_id"])
    b = opportunity_for(db, second.data["appointment_id"])
    assert a.client_id != b.client_id and a.contact_id == b.contact_id


def test_a_booking_for_a_known_client_never_adds_a_guardian_nor_announces_one(db):
    """Security finding 1: staff booking a family's child with their own e-mail got that family's portal login."""
    family = booked(email="real.parent@example.org", last="Known-g1")
    apply(db, family)
    client_id = opportunity_for(db, family.data["appointment_id"]).client_id
    intruder = booked(email="intruder@example.org", last="Known-g1", client_id=client_id)
    apply(db, intruder)
    opp = opportunity_for(db, intruder.data["appointment_id"])
    with db.transaction() as s:
        client = s.get(Client, client_id)
        assert [g.email for g in client.guardians] == ["real.parent@example.org"]
        assert opp.client_id == client_id and opp.contact_id == client.guardians[0].id
        notes = s.scalars(select(Activity.summary).where(Activity.client_id == client_id,
                                                         Activity.kind == "booking_guardian_not_on_file")).all()
    assert len(notes) == 1 and "intruder@example.org" in notes[0]
    assert outbox_events(db, "client.updated", client_id=client_id) == []


def test_quotation_sent_then_signed_moves_the_opportunity_to_won_and_activates_the_client(db):
    env = booked()
    apply(db, env)
    opp = opportunity_for(db, env.data["appointment_id"])
    quote = {"quotation_id": "q-1", "opportunity_id": opp.id, "client_id": opp.client_id,
             "total": "120.00", "currency": "EUR"}
    apply(db, event("quotation.sent", quote))
    assert opportunity_for(db, env.data["appointment_id"]).stage == "quoted"
    apply(db, event("quotation.signed", {**quote, "lines": [], "signed_at": "2026-12-01T10:00:00Z",
                                         "signer_name": "Maya Parent"}))
    won = opportunity_for(db, env.data["appointment_id"])
    assert won.stage == "won" and won.quotation_id == "q-1"
    with db.transaction() as s:
        assert s.get(Client, opp.client_id).status == "active"
    assert outbox_events(db, "client.updated", client_id=opp.client_id)[-1]["data"]["status"] == "active"
    # A late duplicate of quotation.sent (another event id) never pulls it back.
    apply(db, event("quotation.sent", quote))
    assert opportunity_for(db, env.data["appointment_id"]).stage == "won"


def test_invoice_paid_is_recorded_on_the_client_timeline(db, client, tokens):
    env = booked()
    apply(db, env)
    opp = opportunity_for(db, env.data["appointment_id"])
    apply(db, event("invoice.paid", {"invoice_id": "i1", "number": "INV-2026-000042", "client_id": opp.client_id,
                                     "total": "120.00", "currency": "EUR", "paid_at": "2026-12-02T10:00:00Z",
                                     "payments": []}))
    kinds = [a["kind"] for a in client.get(f"/api/v1/clients/{opp.client_id}/activities",
                                           headers=tokens.headers("front_desk")).json]
    assert kinds[0] == "invoice_paid" and "appointment_booked" in kinds
