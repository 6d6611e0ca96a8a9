"""/api/v1/users/me/second-factor: one's own two-factor sign-in (set up, turn off, new recovery codes), and an
owner's reset of someone's (a lost phone)."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.addresses import client_address
from servicekit.auth import AUTHENTICATED, ORG_ADMIN, access, current_principal
from servicekit.db import request_session, unit_of_work
from servicekit.errors import field_error

from gateway import accounts, center, second_factor, tokens
from gateway.config import current_settings
from gateway.schemas import (CodeIn, EnrolledOut, EnrolmentOut, RecoveryCodesOut, SecondFactorOut, TokenPairOut,
                             TurnOffIn)

blp = Blueprint("second_factor", __name__, description="Two-factor sign-in (authenticator app, recovery codes)")


@blp.route("/users/me/second-factor", methods=["GET"])
@access(AUTHENTICATED)
@blp.response(200, SecondFactorOut)
def status():
    """Whether two-factor sign-in is on, whether the role requires it, how many recovery codes are left."""
    session = request_session()
    return second_factor.status(session, accounts.get_user(session, current_principal().user_id), current_settings())


@blp.route("/users/me/second-factor", methods=["POST"])
@access(AUTHENTICATED)
@blp.response(200, EnrolmentOut)
def start():
    """Start setting it up: a new secret for the authenticator app (in force once confirmed with a code)."""
    with unit_of_work() as session:
        user = accounts.get_user(session, current_principal().user_id, for_update=True)
        return second_factor.start(user, center.current(session, current_settings()).name)


@blp.route("/users/me/second-factor/confirm", methods=["POST"])
@access(AUTHENTICATED)
@blp.arguments(CodeIn)
@blp.response(200, EnrolledOut)
def confirm(data):
    """Confirm with a first code: it is on, the other sessions end, and the recovery codes are shown once."""
    with unit_of_work() as session:
        user = accounts.get_user(session, current_principal().user_id, for_update=True)
        codes = second_factor.confirm(session, user, data["code"])
        tokens.revoke_all(session, user.id)
        return {**tokens.issue_pair(session, user, current_settings()), "recovery_codes": codes}


@blp.route("/users/me/second-factor", methods=["DELETE"])
@access(AUTHENTICATED)
@blp.arguments(TurnOffIn)
@blp.response(200, TokenPairOut)
@blp.alt_response(429, description="Too many wrong passwords or codes from this address; `Retry-After` says when")
def turn_off(data):
    """Turn it off (not for a role that requires it), with the password and a code: the other sessions end."""
    settings = current_settings()
    with unit_of_work() as session:
        user = accounts.get_user(session, current_principal().user_id, for_update=True)
        wrong = second_factor.turn_off(session, user, data["password"], data["code"], client_address(), settings)
        if wrong is None:
            tokens.revoke_all(session, user.id)
            return tokens.issue_pair(session, user, settings)
    # Raised after the commit, so the wrong password or code counts on the brakes.
    raise field_error(wrong, second_factor.WRONG_PASSWORD if wrong == "password" else second_factor.WRONG_CODE)


@blp.route("/users/me/second-factor/recovery-codes", methods=["POST"])
@access(AUTHENTICATED)
@blp.arguments(CodeIn)
@blp.response(200, RecoveryCodesOut)
@blp.alt_response(429, description="Too many wrong codes from this address; `Retry-After` says when")
def new_recovery_codes(data):
    """Ten new recovery codes (the earlier ones stop working), for a current code."""
    with unit_of_work() as session:
        user = accounts.get_user(session, current_principal().user_id, for_update=True)
        matched = second_factor.enabled(user) and second_factor.check_braked(session, user, data["code"],
                                                                            client_address())
        codes = second_factor.new_recovery_codes(session, user) if matched else None
    if codes is None:
        raise field_error("code", second_factor.WRONG_CODE)
    return {"recovery_codes": codes}


@blp.route("/users/<uuid:user_id>/second-factor/reset", methods=["POST"])
@access(ORG_ADMIN)
@blp.response(204)
def reset(user_id):
    """An owner resets someone's second factor (a lost phone): it is off and every session of theirs ends; a role
    that requires it sets it up again at the next sign-in."""
    with unit_of_work() as session:
        user = accounts.get_user(session, str(user_id), for_update=True)
        second_factor.clear(session, user)
        tokens.revoke_all(session, user.id)
