"""Two-factor sign-in: setting it up, signing in with a code or a recovery code, the brakes, turning it off, an
owner's reset, and the roles that must have it."""
import dataclasses
import time

import pyotp
import pytest

from servicekit.auth import TokenVerifier
from servicekit.errors import Unauthorized

from gateway import challenges

from ..helpers import PASSWORD, bearer, login, make_user

REQUIRED = frozenset({"org_admin", "admin", "biller"})


def code(secret, steps=0):
    """The app's code `steps` time steps (30 s) from now."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def enrol(client, token):
    """Set it up for the signed-in user: (secret, the answer of the confirmation)."""
    started = client.post("/api/v1/users/me/second-factor", headers=bearer(token))
    assert started.status_code == 200
    secret = started.json["secret"]
    confirmed = client.post("/api/v1/users/me/second-factor/confirm", headers=bearer(token),
                            json={"code": code(secret)})
    assert confirmed.status_code == 200
    return secret, confirmed.json


def second_step(client, challenge, given, source="198.51.100.7"):
    return client.post("/api/v1/auth/login/second-factor", json={"challenge": challenge, "code": given},
                       environ_base={"REMOTE_ADDR": source})


def enrolled_user(client, db, role="therapist"):
    user = make_user(db, role)
    secret, confirmed = enrol(client, login(client, user.email).json["access_token"])
    return user, secret, confirmed


@pytest.fixture(scope="module")
def strict_app(spec, settings):
    """The gateway with the production default: owners, office managers and billers must use a second factor."""
    application = spec.create_app(dataclasses.replace(settings, two_factor_required_roles=REQUIRED))
    yield application
    application.extensions["servicekit.db"].dispose()


@pytest.fixture()
def strict(strict_app):
    return strict_app.test_client()


def test_setting_it_up_answers_the_secret_then_ten_recovery_codes_once_and_ends_other_sessions(client, db):
    user = make_user(db, "therapist")
    other = login(client, user.email).json
    token = login(client, user.email).json["access_token"]
    assert client.get("/api/v1/users/me/second-factor", headers=bearer(token)).json["enabled"] is False
    started = client.post("/api/v1/users/me/second-factor", headers=bearer(token))
    assert started.json["otpauth_uri"].startswith("otpauth://totp/") and user.email.replace("@", "%40") in \
        started.json["otpauth_uri"] and started.json["secret"] in started.json["otpauth_uri"]
    wrong = client.post("/api/v1/users/me/second-factor/confirm", headers=bearer(token), json={"code": "000000"})
    assert wrong.status_code == 422 and "code" in wrong.json["errors"]
    assert client.get("/api/v1/users/me/second-factor", headers=bearer(token)).json["enabled"] is False
    confirmed = client.post("/api/v1/users/me/second-factor/confirm", headers=bearer(token),
                            json={"code": code(started.json["secret"])})
    assert confirmed.status_code == 200 and len(set(confirmed.json["recovery_codes"])) == 10
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 401
    mine = confirmed.json["access_token"]
    status = client.get("/api/v1/users/me/second-factor", headers=bearer(mine)).json
    assert status["enabled"] is True and status["recovery_codes_left"] == 10 and status["required"] is False
    assert client.post("/api/v1/users/me/second-factor", headers=bearer(mine)).status_code == 409  # already on


def test_the_right_password_alone_gives_no_tokens_but_a_challenge_then_a_code_gives_the_pair(client, db):
    user, secret, _ = enrolled_user(client, db)
    first = login(client, user.email)
    assert first.status_code == 202 and first.json["second_factor"] == "code"
    assert "access_token" not in first.json and first.json["expires_in"] == 300
    pair = second_step(client, first.json["challenge"], code(secret, 1))
    assert pair.status_code == 200 and pair.json["user"]["id"] == user.id
    assert client.get("/api/v1/users/me", headers=bearer(pair.json["access_token"])).json["second_factor"] is True


def test_a_code_is_accepted_once_and_only_one_step_either_side_of_now(client, db):
    user, secret, _ = enrolled_user(client, db)  # the code of this time step was used to confirm
    challenge = login(client, user.email).json["challenge"]
    assert second_step(client, challenge, code(secret)).status_code == 422  # seen already
    assert second_step(client, challenge, code(secret, -1)).status_code == 422  # older than the last one used
    assert second_step(client, challenge, code(secret, 3)).status_code == 422  # too far ahead
    assert second_step(client, challenge, code(secret, 1)).status_code == 200
    again = second_step(client, challenge, code(secret, 1))
    assert again.status_code == 422 and "code" in again.json["errors"]


def test_a_recovery_code_stands_in_for_a_code_once(client, db):
    user, _secret, confirmed = enrolled_user(client, db)
    recovery = confirmed["recovery_codes"][0]
    challenge = login(client, user.email).json["challenge"]
    used = second_step(client, challenge, recovery.upper().replace("-", " "))  # typed loosely
    assert used.status_code == 200
    assert second_step(client, login(client, user.email).json["challenge"], recovery).status_code == 422
    status = client.get("/api/v1/users/me/second-factor", headers=bearer(used.json["access_token"])).json
    assert status["recovery_codes_left"] == 9


def test_the_challenge_is_never_an_access_token(client, db, settings):
    user, _secret, _ = enrolled_user(client, db)
    challenge = login(client, user.email).json["challenge"]
    assert client.get("/api/v1/users/me", headers=bearer(challenge)).status_code == 401
    verifier = TokenVerifier(settings.jwt_public_key, settings.jwt_issuer, settings.jwt_audience)
    with pytest.raises(Unauthorized):
        verifier.verify(challenge)


def test_an_expired_or_forged_challenge_is_refused(client, db, monkeypatch):
    user, secret, _ = enrolled_user(client, db)
    monkeypatch.setattr(challenges, "LIFETIME", -5)
    expired = login(client, user.email).json["challenge"]
    assert second_step(client, expired, code(secret, 1)).status_code == 401
    assert second_step(client, "not.a.challenge", code(secret, 1)).status_code == 401


def test_a_challenge_dies_when_the_persons_access_ends(client, db, tokens):
    user, secret, _ = enrolled_user(client, db)
    challenge = login(client, user.email).json["challenge"]
    time.sleep(0.002)  # the end must fall after the challenge's millisecond
    ended = client.post(f"/api/v1/users/{user.id}/sessions/end", headers=tokens.headers("org_admin"))
    assert ended.status_code == 204
    assert second_step(client, challenge, code(secret, 1)).status_code == 401


def test_wrong_codes_are_braked_like_wrong_passwords(client, db):
    user, secret, _ = enrolled_user(client, db)
    challenge = login(client, user.email, source="198.51.100.99").json["challenge"]
    answers = [second_step(client, challenge, "123456", source="198.51.100.99").status_code for _ in range(7)]
    assert answers[:6] == [422] * 6 and answers[6] == 429
    assert second_step(client, challenge, code(secret, 1), source="198.51.100.99").status_code == 429
    # The owner, from elsewhere, is not slowed down.
    assert second_step(client, challenge, code(secret, 1), source="198.51.100.100").status_code == 200


def test_turning_it_off_needs_the_password_and_a_code_and_ends_the_other_sessions(client, db):
    user, secret, confirmed = enrolled_user(client, db)
    token = confirmed["access_token"]

    def off(password, given):
        return client.delete("/api/v1/users/me/second-factor", headers=bearer(token),
                             json={"password": password, "code": given})
    assert off("not my password", code(secret, 1)).status_code == 422
    wrong = off(PASSWORD, "111111")
    assert wrong.status_code == 422 and "code" in wrong.json["errors"]
    other = second_step(client, login(client, user.email).json["challenge"], code(secret, 1)).json
    done = off(PASSWORD, confirmed["recovery_codes"][1])
    assert done.status_code == 200 and done.json["access_token"]
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": done.json["refresh_token"]}).status_code == 200
    assert login(client, user.email).status_code == 200  # the password alone again


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(client, db):
    user, secret, confirmed = enrolled_user(client, db)
    token = confirmed["access_token"]
    refused = client.post("/api/v1/users/me/second-factor/recovery-codes", headers=bearer(token),
                          json={"code": "222222"})
    assert refused.status_code == 422
    fresh = client.post("/api/v1/users/me/second-factor/recovery-codes", headers=bearer(token),
                        json={"code": code(secret, 1)})
    assert fresh.status_code == 200 and len(fresh.json["recovery_codes"]) == 10
    challenge = login(client, user.email).json["challenge"]
    assert second_step(client, challenge, confirmed["recovery_codes"][0]).status_code == 422
    assert second_step(client, challenge, fresh.json["recovery_codes"][0]).status_code == 200


def test_only_an_owner_resets_someones_second_factor_and_their_sessions_end(client, db, tokens):
    user, _secret, confirmed = enrolled_user(client, db)
    path = f"/api/v1/users/{user.id}/second-factor/reset"
    assert client.post(path, headers=tokens.headers("admin")).status_code == 403
    assert client.post(path).status_code == 401
    assert client.get(f"/api/v1/users/{user.id}", headers=tokens.headers("admin")).json["second_factor"] is True
    assert client.post(path, headers=tokens.headers("org_admin")).status_code == 204
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": confirmed["refresh_token"]}).status_code == 401
    assert client.get(f"/api/v1/users/{user.id}", headers=tokens.headers("admin")).json["second_factor"] is False
    assert login(client, user.email).status_code == 200


def test_a_role_that_requires_it_enrols_while_signing_in_and_cannot_turn_it_off(strict, db):
    admin = make_user(db, "admin")
    first = login(strict, admin.email)
    assert first.status_code == 202 and first.json["second_factor"] == "enrol" and "access_token" not in first.json
    challenge = first.json["challenge"]
    # An enrolment challenge does not stand for a code, nor the reverse.
    assert second_step(strict, challenge, "123456").status_code == 422
    started = strict.post("/api/v1/auth/login/second-factor/enrolment", json={"challenge": challenge})
    assert started.status_code == 200
    secret = started.json["secret"]
    confirmed = strict.post("/api/v1/auth/login/second-factor/enrolment/confirm",
                            json={"challenge": challenge, "code": code(secret)})
    assert confirmed.status_code == 200 and len(confirmed.json["recovery_codes"]) == 10
    token = confirmed.json["access_token"]
    assert strict.get("/api/v1/users/me/second-factor", headers=bearer(token)).json["required"] is True
    # Enrolled: the enrolment challenge is spent (it cannot start another secret); the next sign-in asks for a code.
    assert strict.post("/api/v1/auth/login/second-factor/enrolment", json={"challenge": challenge}).status_code == 401
    again = login(strict, admin.email)
    assert again.status_code == 202 and again.json["second_factor"] == "code"
    assert strict.post("/api/v1/auth/login/second-factor/enrolment",
                       json={"challenge": again.json["challenge"]}).status_code == 422
    off = strict.delete("/api/v1/users/me/second-factor", headers=bearer(token),
                        json={"password": PASSWORD, "code": code(secret, 1)})
    assert off.status_code == 409


def test_other_roles_sign_in_with_their_password_alone_where_it_is_required_for_some(strict, db):
    therapist = make_user(db, "therapist")
    family = make_user(db, "client")
    assert login(strict, therapist.email).status_code == 200 and login(strict, family.email).status_code == 200


def test_a_wrong_password_says_nothing_about_a_second_factor(strict, db):
    admin = make_user(db, "admin")
    wrong = login(strict, admin.email, "not the password")
    assert wrong.status_code == 401 and "challenge" not in wrong.json


def test_the_second_step_refuses_bad_input_naming_the_field(client):
    resp = client.post("/api/v1/auth/login/second-factor", json={"challenge": "x", "code": "1" * 40})
    assert resp.status_code == 422 and "code" in resp.json["errors"]


def test_guessing_the_password_to_turn_it_off_is_braked_too(client, db):
    _user, secret, confirmed = enrolled_user(client, db)
    answers = [client.delete("/api/v1/users/me/second-factor", headers=bearer(confirmed["access_token"]),
                             json={"password": f"guess {n}", "code": code(secret, 1)},
                             environ_base={"REMOTE_ADDR": "198.51.100.77"}) for n in range(7)]
    assert [a.status_code for a in answers] == [422] * 6 + [429]
    assert "password" in answers[0].json["errors"]


def test_the_last_sign_in_is_when_the_code_was_given_not_the_password(client, db, tokens):
    user, secret, _ = enrolled_user(client, db)

    def last_sign_in():
        return client.get(f"/api/v1/users/{user.id}", headers=tokens.headers("admin")).json["last_login_at"]
    before = last_sign_in()
    challenge = login(client, user.email).json["challenge"]
    assert last_sign_in() == before
    assert second_step(client, challenge, code(secret, 1)).status_code == 200
    assert last_sign_in() != before
