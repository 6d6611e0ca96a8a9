"""Password reset by e-mail: the same answer for every address, a single-use hourly link, throttles, and links that
stand only for what they were made for."""
import time
import uuid
from urllib.parse import parse_qs, urlparse

import pyotp
from sqlalchemy import select, update

from servicekit import sealing

from gateway.models import Invitation

from ..helpers import PASSWORD, bearer, email, login, make_user, opened, outbox_events

NEW = "a fresh and long password"


def ask(client, address, source=None):
    source = source or f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    return client.post("/api/v1/auth/password-reset", json={"email": address}, environ_base={"REMOTE_ADDR": source})


def complete(client, token, password=NEW):
    return client.post("/api/v1/auth/password-reset/complete", json={"token": token, "password": password})


def token_of(url):
    """The token of a link an event carries (sealed: servicekit.sealing)."""
    return parse_qs(urlparse(opened(url) if sealing.is_sealed(url) else url).query)["token"][0]


def reset_links(db, user):
    """The reset links e-mailed to `user` (events carry them sealed: servicekit.sealing)."""
    return [opened(e["data"]["reset_url"])
            for e in outbox_events(db, "account.password_reset_requested", user_id=user.id)]


def test_a_staff_member_gets_a_link_sets_a_new_password_and_every_session_ends(client, db, settings):
    user = make_user(db, "therapist")
    session = login(client, user.email).json
    resp = ask(client, user.email.upper())
    assert resp.status_code == 202 and resp.json["detail"].startswith("If an account uses this address")
    [link] = reset_links(db, user)
    assert link.startswith(f"{settings.public_base_url}/reset-password?token=")
    [event] = outbox_events(db, "account.password_reset_requested", user_id=user.id)
    assert event["data"]["email"] == user.email and event["data"]["expires_at"]
    done = complete(client, token_of(link))
    assert done.status_code == 200 and done.json["user"]["id"] == user.id and done.json["access_token"]
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401
    assert login(client, user.email, PASSWORD).status_code == 401
    assert login(client, user.email, NEW).status_code == 200
    again = complete(client, token_of(link), "yet another password")
    assert again.status_code == 410


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(client, db):
    unknown = email("nobody")
    known = make_user(db, "biller")
    answers = [ask(client, unknown), ask(client, known.email)]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].get_data() == answers[1].get_data() and answers[0].headers.get("Content-Type") == \
        answers[1].headers.get("Content-Type")
    assert [e for e in outbox_events(db, "account.password_reset_requested") if e["data"]["email"] == unknown] == []


def test_only_the_newest_link_works_and_for_an_hour(client, db):
    user = make_user(db, "front_desk")
    ask(client, user.email)
    ask(client, user.email)
    first, second = reset_links(db, user)
    assert complete(client, token_of(first)).status_code == 410
    with db.transaction() as s:
        newest = s.scalars(select(Invitation).where(Invitation.user_id == user.id, Invitation.purpose == "reset")
                           .order_by(Invitation.expires_at.desc())).first()
        assert 3590 <= (newest.expires_at - newest.created_at).total_seconds() <= 3610
        s.execute(update(Invitation).where(Invitation.id == newest.id).values(expires_at=newest.created_at))
    assert complete(client, token_of(second)).status_code == 410
    assert login(client, user.email, PASSWORD).status_code == 200


def test_an_activation_link_is_not_a_reset_link_nor_the_reverse(client, db, tokens):
    family = make_user(db, "client", password=None, active=False, client_ids=[str(uuid.uuid4())])
    assert client.post(f"/api/v1/users/{family.id}/invitation", headers=tokens.headers("front_desk")).status_code == 201
    activation = token_of(outbox_events(db, "account.invited", user_id=family.id)[-1]["data"]["activation_url"])
    assert complete(client, activation).status_code == 404
    staff = make_user(db, "therapist")
    ask(client, staff.email)
    [link] = reset_links(db, staff)
    assert client.post("/api/v1/auth/activate", json={"token": token_of(link), "password": NEW}).status_code == 404
    assert complete(client, token_of(link)).status_code == 200  # still good for what it was made for


def test_a_family_that_never_activated_gets_its_activation_e_mail_again(client, db):
    family = make_user(db, "client", password=None, active=False, client_ids=[str(uuid.uuid4())])
    assert ask(client, family.email).status_code == 202
    assert reset_links(db, family) == []
    assert len(outbox_events(db, "account.invited", user_id=family.id)) == 1


def test_a_family_with_a_password_resets_it_like_staff(client, db):
    family = make_user(db, "client", client_ids=[str(uuid.uuid4())])
    ask(client, family.email)
    [link] = reset_links(db, family)
    assert complete(client, token_of(link)).status_code == 200


def test_a_deactivated_account_gets_no_link(client, db):
    user = make_user(db, "therapist", active=False)
    assert ask(client, user.email).status_code == 202
    assert reset_links(db, user) == [] and outbox_events(db, "account.invited", user_id=user.id) == []


def test_with_a_second_factor_the_new_password_does_not_sign_in(client, db):
    user = make_user(db, "therapist")
    token = login(client, user.email).json["access_token"]
    secret = client.post("/api/v1/users/me/second-factor", headers=bearer(token)).json["secret"]
    assert client.post("/api/v1/users/me/second-factor/confirm", headers=bearer(token),
                       json={"code": pyotp.TOTP(secret).at(time.time())}).status_code == 200
    ask(client, user.email)
    [link] = reset_links(db, user)
    done = complete(client, token_of(link))
    assert done.status_code == 204 and done.get_data() == b""
    assert login(client, user.email, NEW).status_code == 202  # password, then the code


def test_requests_are_limited_per_address_asked_for_and_per_caller(client, db):
    user = make_user(db, "therapist")
    answers = [ask(client, user.email).status_code for _ in range(6)]
    assert answers == [202] * 5 + [429]
    assert len(reset_links(db, user)) == 5
    caller = "203.0.113.251"
    answers = [ask(client, email("flood"), source=caller).status_code for _ in range(21)]
    assert answers == [202] * 20 + [429]


def test_bad_input_is_a_422_naming_the_field(client, db):
    assert "email" in ask(client, "not an address").json["errors"]
    user = make_user(db, "therapist")
    ask(client, user.email)
    [link] = reset_links(db, user)
    short = complete(client, token_of(link), "short")
    assert short.status_code == 422 and "password" in short.json["errors"]
    assert complete(client, "no-such-token").status_code == 404


def test_a_link_can_be_checked_before_its_page_asks_for_a_password(client, db):
    user = make_user(db, "therapist")
    ask(client, user.email)
    [link] = reset_links(db, user)

    def check(token, purpose="reset"):
        return client.post("/api/v1/auth/links/check", json={"token": token, "purpose": purpose}).status_code
    assert check(token_of(link)) == 204
    assert check(token_of(link), "activate") == 404  # a reset link is no activation link
    assert check("no-such-token") == 404
    assert complete(client, token_of(link)).status_code == 200
    assert check(token_of(link)) == 410
    assert client.post("/api/v1/auth/links/check", json={"token": "x", "purpose": "other"}).status_code == 422
