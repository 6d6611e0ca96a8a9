"""/api/v1/auth: login (with its second step), token refresh, logout, portal account activation and password
reset by e-mail (all public)."""
from __future__ import annotations

from flask import Response, jsonify
from flask_smorest import Blueprint

from servicekit.addresses import client_address
from servicekit.auth import PUBLIC, access
from servicekit.db import request_session, unit_of_work
from servicekit.errors import Unauthorized, field_error

from gateway import center, challenges, invitations, portal, resets, second_factor, signin, tokens
from gateway.config import current_settings
from gateway.schemas import (ActivateIn, ChallengeIn, ChallengeOut, EnrolledOut, EnrolmentOut, LinkCheckIn,
                             LoginIn, PasswordResetCompleteIn, PasswordResetIn, PasswordResetOut, RefreshIn,
                             SecondFactorIn, TokenPairOut)

blp = Blueprint("auth", __name__, description="Log in and keep a session going")


def _second_step(challenge: dict) -> Response:
    answer = jsonify(ChallengeOut().dump(challenge))
    answer.status_code = 202
    return answer


@blp.route("/auth/login", methods=["POST"])
@access(PUBLIC)
@blp.arguments(LoginIn)
@blp.response(200, TokenPairOut)
@blp.alt_response(202, schema=ChallengeOut, description="The password is right; the sign-in needs a second factor")
def login(data):
    """Log in with e-mail and password: a token pair, or (202) a challenge for the second step."""
    settings = current_settings()
    with unit_of_work() as session:
        attempt = signin.begin(session, data["email"], client_address())
    matched = signin.check(attempt, data["password"])  # the costly part: no database connection held meanwhile
    with unit_of_work() as session:
        user = signin.finish(session, attempt, matched, data["password"])
        step = second_factor.needed_at_sign_in(user, settings) if user else None
        if user and not step:
            signin.signed_in(user)
        pair = tokens.issue_pair(session, user, settings) if user and not step else None
    # Raised after the commit, so the failure counter is kept.
    if user is None:
        raise Unauthorized(signin.BAD_CREDENTIALS)
    return _second_step(challenges.issue(user, step, settings)) if step else pair


@blp.route("/auth/login/second-factor", methods=["POST"])
@access(PUBLIC)
@blp.arguments(SecondFactorIn)
@blp.response(200, TokenPairOut)
def login_second_factor(data):
    """The second step: a code of the authenticator app (or a recovery code) gives the token pair."""
    settings = current_settings()
    with unit_of_work() as session:
        user = challenges.redeem(session, data["challenge"], "code", settings)
        matched = second_factor.check_braked(session, user, data["code"], client_address())
        if matched:
            signin.signed_in(user)
        pair = tokens.issue_pair(session, user, settings) if matched else None
    if pair is None:  # raised after the commit, so the failure counts on the brakes
        raise field_error("code", second_factor.WRONG_CODE)
    return pair


@blp.route("/auth/login/second-factor/enrolment", methods=["POST"])
@access(PUBLIC)
@blp.arguments(ChallengeIn)
@blp.response(200, EnrolmentOut)
def login_enrolment(data):
    """A role that requires a second factor sets it up while signing in: a new secret for the app."""
    settings = current_settings()
    with unit_of_work() as session:
        user = challenges.redeem(session, data["challenge"], "enrol", settings)
        return second_factor.start(user, center.current(session, settings).name)


@blp.route("/auth/login/second-factor/enrolment/confirm", methods=["POST"])
@access(PUBLIC)
@blp.arguments(SecondFactorIn)
@blp.response(200, EnrolledOut)
def login_enrolment_confirm(data):
    """The first code of the app puts the second factor in force: the token pair and the recovery codes, once."""
    settings = current_settings()
    with unit_of_work() as session:
        user = challenges.redeem(session, data["challenge"], "enrol", settings)
        codes = second_factor.confirm(session, user, data["code"])
        signin.signed_in(user)
        tokens.revoke_all(session, user.id)  # sessions opened with a password alone end
        return {**tokens.issue_pair(session, user, settings), "recovery_codes": codes}


@blp.route("/auth/refresh", methods=["POST"])
@access(PUBLIC)
@blp.arguments(RefreshIn)
@blp.response(200, TokenPairOut)
def refresh(data):
    with unit_of_work() as session:
        pair = tokens.refresh(session, data["refresh_token"], current_settings())
    # Raised after the commit, so the revocation of the reused token's family is kept.
    if pair is None:
        raise Unauthorized(tokens.REUSED_REFRESH)
    return pair


@blp.route("/auth/logout", methods=["POST"])
@access(PUBLIC)
@blp.arguments(RefreshIn)
@blp.response(204)
def logout(data):
    with unit_of_work() as session:
        tokens.logout(session, data["refresh_token"])


@blp.route("/auth/activate", methods=["POST"])
@access(PUBLIC)
@blp.arguments(ActivateIn)
@blp.response(200, TokenPairOut)
@blp.alt_response(404, description="The activation link is not valid")
@blp.alt_response(410, description="The activation link has expired or was already used")
def activate(data):
    with unit_of_work() as session:
        user = portal.activate(session, data["token"], data["password"])
        return tokens.issue_pair(session, user, current_settings())


@blp.route("/auth/password-reset", methods=["POST"])
@access(PUBLIC)
@blp.arguments(PasswordResetIn)
@blp.response(202, PasswordResetOut)
def request_password_reset(data):
    """Ask for a password reset link by e-mail; the answer is the same whether or not the address has an account."""
    with unit_of_work() as session:
        resets.request_reset(session, data["email"], client_address(), current_settings())
    return {"detail": resets.ON_ITS_WAY}


@blp.route("/auth/password-reset/complete", methods=["POST"])
@access(PUBLIC)
@blp.arguments(PasswordResetCompleteIn)
@blp.response(200, TokenPairOut)
@blp.alt_response(204, description="Password set; the account signs in with its second factor (not signed in)")
@blp.alt_response(404, description="The password reset link is not valid")
@blp.alt_response(410, description="The password reset link has expired or was already used")
def complete_password_reset(data):
    """Set a new password with the link's token: every session ends; signed in unless a second factor is needed."""
    settings = current_settings()
    with unit_of_work() as session:
        user = resets.complete(session, data["token"], data["password"])
        if second_factor.needed_at_sign_in(user, settings):
            return Response(status=204)
        return tokens.issue_pair(session, user, settings)


@blp.route("/auth/links/check", methods=["POST"])
@access(PUBLIC)
@blp.arguments(LinkCheckIn)
@blp.response(204)
@blp.alt_response(404, description="The link is not valid (or is another kind of link)")
@blp.alt_response(410, description="The link has expired or was already used")
def check_link(data):
    """Whether an activation or password reset link may still be used (its page says so before asking anything)."""
    invitations.usable(request_session(), data["token"], data["purpose"])
