"""Welcome e-mails: an active client's guardians are invited to the portal once, announced as account.invited."""
import uuid

from sqlalchemy import func, select

from servicekit.messaging.consumer import apply_event

from gateway.handlers import handlers
from gateway.models import Invitation, User

from ..helpers import client_event, guardian, make_user, opened, outbox_events


def apply(db, env):
    return apply_event(db, "gateway", handlers, env)


def account(db, address):
    with db.transaction() as s:
        return s.scalars(select(User).where(User.email == address.lower())).first()


def invitations(db, user_id):
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(Invitation).where(Invitation.user_id == user_id))


def test_a_guardian_with_the_longest_name_the_crm_accepts_gets_a_portal_account(db):
    """Security finding 3: a guardian named with 100 + 100 characters got no portal account on PostgreSQL."""
    parent = guardian(first="A" * 100, last="B" * 100)
    apply(db, client_event(guardians=[parent]))
    assert account(db, parent["email"]).name == "A" * 100 + " " + "B" * 100


def test_an_active_clients_guardian_is_invited_and_the_invitation_announced(db):
    parent = guardian()
    env = client_event(guardians=[parent], status="active")
    apply(db, env)
    user = account(db, parent["email"])
    [invited] = outbox_events(db, "account.invited", user_id=user.id)
    data = invited["data"]
    assert set(data) == {"user_id", "email", "client_ids", "activation_url", "expires_at"}
    assert data["email"] == user.email and data["client_ids"] == [env.data["client_id"]]
    assert "/activate?token=" in opened(data["activation_url"]) and data["expires_at"]
    assert invited["causation_id"] == env.id and invitations(db, user.id) == 1


def test_a_prospect_is_not_invited(db):
    parent = guardian()
    apply(db, client_event(guardians=[parent]))
    user = account(db, parent["email"])
    assert outbox_events(db, "account.invited", user_id=user.id) == [] and invitations(db, user.id) == 0


def test_becoming_active_invites_once_and_later_updates_do_not_invite_again(db):
    parent = guardian()
    created = client_event(guardians=[parent])
    apply(db, created)
    client_id = created.data["client_id"]
    active = client_event("client.updated", client_id=client_id, guardians=[parent], status="active")
    assert apply(db, active) is True
    assert apply(db, active) is False  # redelivered
    apply(db, client_event("client.updated", client_id=client_id, guardians=[parent], status="active"))
    user = account(db, parent["email"])
    assert len(outbox_events(db, "account.invited", user_id=user.id)) == 1 and invitations(db, user.id) == 1


def test_an_activated_account_or_a_staff_member_is_not_invited(db):
    activated = make_user(db, "client", client_ids=[str(uuid.uuid4())])
    staff = make_user(db, "front_desk")
    apply(db, client_event(guardians=[guardian(activated.email), guardian(staff.email)], status="active"))
    assert outbox_events(db, "account.invited", user_id=activated.id) == []
    assert outbox_events(db, "account.invited", user_id=staff.id) == []
