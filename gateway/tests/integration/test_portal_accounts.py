"""Portal accounts from the CRM's client events, through the same inbox transaction the consumer uses."""
import uuid

from sqlalchemy import func, select

from servicekit.messaging.consumer import apply_event

from gateway.handlers import handlers
from gateway.models import User

from ..helpers import client_event, email, guardian, make_user, outbox_events


def apply(db, env):
    return apply_event(db, "gateway", handlers, env)


def account(db, address):
    with db.transaction() as s:
        return s.scalars(select(User).where(User.email == address.lower())).first()


def test_a_new_clients_guardian_gets_an_inactive_portal_account_and_it_is_announced(db):
    parent = guardian(email("Parent").upper(), first="Maya", last="Durand")
    env = client_event(guardians=[parent])
    assert apply(db, env) is True
    user = account(db, parent["email"])
    assert user.role == "client" and user.active is False and user.password_hash is None
    assert user.client_ids == [env.data["client_id"]] and user.name == "Maya Durand"
    [announced] = outbox_events(db, "account.created", user_id=user.id)
    assert announced["data"] == {"user_id": user.id, "email": user.email, "role": "client",
                                 "client_ids": [env.data["client_id"]]}
    assert announced["correlation_id"] == env.correlation_id and announced["causation_id"] == env.id


def test_redelivered_client_created_changes_nothing(db):
    env = client_event()
    assert apply(db, env) is True
    assert apply(db, env) is False
    address = env.data["guardians"][0]["email"]
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.email == address)) == 1
    assert len(outbox_events(db, "account.created", email=address)) == 1


def test_a_second_child_is_added_to_the_same_account_without_a_new_announcement(db):
    parent = guardian()
    first, second = client_event(guardians=[parent]), client_event(guardians=[parent])
    apply(db, first)
    apply(db, second)
    assert account(db, parent["email"]).client_ids == [first.data["client_id"], second.data["client_id"]]
    assert len(outbox_events(db, "account.created", email=parent["email"])) == 1


def test_a_staff_member_who_is_a_guardian_keeps_their_staff_account_untouched(db):
    staff = make_user(db, "therapist", therapist_id=str(uuid.uuid4()))
    apply(db, client_event(guardians=[guardian(staff.email)]))
    after = account(db, staff.email)
    assert after.role == "therapist" and after.client_ids == [] and after.password_hash == staff.password_hash
    assert outbox_events(db, "account.created", email=staff.email) == []


def test_guardians_without_an_email_get_no_account(db):
    env = client_event(guardians=[guardian(address="")])
    apply(db, env)
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(User)
                        .where(User.name == "Maya Parent", User.email == "")) == 0
    assert outbox_events(db, "account.created", client_ids=[env.data["client_id"]]) == []


def test_client_updated_adds_a_new_guardian_and_removes_a_former_one(db):
    kept, former, added = guardian(), guardian(), guardian()
    created = client_event(guardians=[kept, former])
    apply(db, created)
    client_id = created.data["client_id"]
    apply(db, client_event("client.updated", client_id=client_id, guardians=[kept, added]))
    assert account(db, kept["email"]).client_ids == [client_id]
    assert account(db, added["email"]).client_ids == [client_id]
    assert account(db, former["email"]).client_ids == []
