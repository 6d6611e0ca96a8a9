"""/api/v1/auth: login, token refresh, logout and portal account activation (all public)."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.addresses import client_address
from servicekit.auth import PUBLIC, access
from servicekit.db import unit_of_work
from servicekit.errors import Unauthorized

from gateway import portal, signin, tokens
from gateway.config import current_settings
from gateway.schemas import ActivateIn, LoginIn, RefreshIn, TokenPairOut

blp = Blueprint("auth", __name__, description="Log in and keep a session going")


@blp.route("/auth/login", methods=["POST"])
@access(PUBLIC)
@blp.arguments(LoginIn)
@blp.response(200, TokenPairOut)
def login(data):
    with unit_of_work() as session:
        attempt = signin.begin(session, data["email"], client_address())
    matched = signin.check(attempt, data["password"])  # the costly part: no database connection held meanwhile
    with unit_of_work() as session:
        user = signin.finish(session, attempt, matched, data["password"])
        pair = tokens.issue_pair(session, user, current_settings()) if user else None
    # Raised after the commit, so the failure counter is kept.
    if pair is None:
        raise Unauthorized(signin.BAD_CREDENTIALS)
    return pair


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
def activate(data):
    with unit_of_work() as session:
        user = portal.activate(session, data["token"], data["password"])
        return tokens.issue_pair(session, user, current_settings())
