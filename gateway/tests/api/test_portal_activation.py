"""Portal invitations (front desk) and activation (the family, from the link)."""
import datetime as dt
import uuid
from urllib.parse import parse_qs, urlparse

from sqlalchemy import update

from servicekit.auth import TokenVerifier

from gateway.models import Invitation

from ..helpers import bearer, login, make_user, opened, outbox_events

NEW_PASSWORD = "our family password"


def portal_account(db, **kw):
    return make_user(db, "client", password=None, active=False, client_ids=[str(uuid.uuid4())], **kw)


def invite(client, tokens, user, role="front_desk"):
    return client.post(f"/api/v1/users/{user.id}/invitation", headers=tokens.headers(role))


def emailed_token(db, user):
    """The token of the latest welcome e-mail's link (the answer to the caller never carries it)."""
    invited = outbox_events(db, "account.invited", user_id=user.id)[-1]
    return parse_qs(urlparse(opened(invited["data"]["activation_url"])).query)["token"][0]


def invited_token(client, db, tokens, user):
    resp = invite(client, tokens, user)
    assert resp.status_code == 201 and set(resp.json) == {"sent_to", "expires_at"}
    return emailed_token(db, user)


def activate(client, token, password=NEW_PASSWORD):
    return client.post("/api/v1/auth/activate", json={"token": token, "password": password})


def test_front_desk_invites_and_the_family_activates_its_account(client, db, tokens, settings, keypair):
    family = portal_account(db)
    resp = invite(client, tokens, family)
    assert resp.status_code == 201 and resp.json["sent_to"] == family.email
    assert "activation_url" not in resp.json  # the link goes to the family's address only
    sealed_link = outbox_events(db, "account.invited", user_id=family.id)[0]["data"]["activation_url"]
    link = opened(sealed_link)  # the outbox row, and so the broker, hold the link sealed (servicekit.sealing)
    assert link.split("token=")[1] not in sealed_link
    assert link.startswith(f"{settings.public_base_url}/activate?token=")
    expires = dt.datetime.fromisoformat(resp.json["expires_at"])
    assert dt.timedelta(days=6, hours=23) < expires - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(days=7)
    activated = activate(client, emailed_token(db, family))
    assert activated.status_code == 200 and activated.json["user"]["role"] == "client"
    principal = TokenVerifier(keypair.public_pem, "therapy-gateway", "therapy-api").verify(
        activated.json["access_token"])
    assert principal.client_ids == frozenset(family.client_ids)
    assert login(client, family.email, NEW_PASSWORD).status_code == 200
    me = client.get("/api/v1/users/me", headers=bearer(activated.json["access_token"])).json
    assert me["active"] is True


def test_an_activation_link_works_once(client, db, tokens):
    token = invited_token(client, db, tokens, portal_account(db))
    assert activate(client, token).status_code == 200
    again = activate(client, token, "another long password")
    assert again.status_code == 410 and again.mimetype == "application/problem+json"


def test_an_expired_activation_link_is_410(client, db, tokens):
    family = portal_account(db)
    token = invited_token(client, db, tokens, family)
    with db.transaction() as s:
        s.execute(update(Invitation).where(Invitation.user_id == family.id)
                  .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    assert activate(client, token).status_code == 410


def test_a_new_invitation_replaces_the_previous_link(client, db, tokens):
    family = portal_account(db)
    old = invited_token(client, db, tokens, family)
    new = invited_token(client, db, tokens, family)
    assert activate(client, old).status_code == 410
    assert activate(client, new).status_code == 200


def test_unknown_activation_token_is_404_and_a_short_password_is_422(client, db, tokens):
    assert activate(client, "not-a-real-token").status_code == 404
    token = invited_token(client, db, tokens, portal_account(db))
    resp = activate(client, token, "short")
    assert resp.status_code == 422 and list(resp.json["errors"]) == ["password"]
    assert activate(client, token).status_code == 200


def test_an_account_in_use_is_never_invited_again(client, db, tokens):
    """Security finding 4: re-inviting an active family handed its account to whoever asked."""
    family = portal_account(db)
    assert activate(client, invited_token(client, db, tokens, family)).status_code == 200
    resp = invite(client, tokens, family)
    assert resp.status_code == 409 and "already uses" in resp.json["detail"]
    assert len(outbox_events(db, "account.invited", user_id=family.id)) == 1


def test_staff_accounts_get_no_invitation(client, db, tokens):
    resp = invite(client, tokens, make_user(db, "biller"))
    assert resp.status_code == 409 and "portal" in resp.json["detail"]


def test_a_deactivated_portal_account_gets_no_invitation(client, db, tokens):
    family = make_user(db, "client", active=False, client_ids=[str(uuid.uuid4())])
    assert invite(client, tokens, family).status_code == 409


def test_deactivating_an_account_voids_its_pending_invitation(client, db, tokens):
    family = portal_account(db)
    token = invited_token(client, db, tokens, family)
    client.patch(f"/api/v1/users/{family.id}", json={"active": False}, headers=tokens.headers("admin"))
    assert activate(client, token).status_code == 410


def test_invitation_denials(client, db, tokens):
    family = portal_account(db)
    assert client.post(f"/api/v1/users/{family.id}/invitation").status_code == 401
    for role in ("therapist", "biller", "client"):
        assert invite(client, tokens, family, role).status_code == 403, role
    assert client.post(f"/api/v1/users/{uuid.uuid4()}/invitation",
                       headers=tokens.headers("front_desk")).status_code == 404


def test_an_invitation_by_the_front_desk_is_announced_for_the_welcome_email(client, db, tokens):
    family = portal_account(db)
    resp = invite(client, tokens, family)
    [invited] = outbox_events(db, "account.invited", user_id=family.id)
    assert invited["data"] == {"user_id": family.id, "email": family.email, "client_ids": family.client_ids,
                               "activation_url": invited["data"]["activation_url"],
                               "expires_at": invited["data"]["expires_at"]}
    assert dt.datetime.fromisoformat(invited["data"]["expires_at"]) == dt.datetime.fromisoformat(
        resp.json["expires_at"])
