"""/api/v1/users: staff accounts (the owner manages them, office managers read them) and portal invitations."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import ADMIN, AUTHENTICATED, FRONT_DESK, ORG_ADMIN, access, current_principal
from servicekit.db import request_session, unit_of_work
from servicekit.pagination import paginate
from servicekit.row_access import row_access

from gateway import accounts, portal, tokens
from gateway.config import current_settings
from gateway.schemas import InvitationOut, PasswordChangeIn, TokenPairOut, UserIn, UserOut, UserPatch, UserQuery

blp = Blueprint("users", __name__, description="Staff and portal accounts")


@blp.route("/users/me", methods=["GET"])
@access(AUTHENTICATED)
@blp.response(200, UserOut)
def me():
    return accounts.get_user(request_session(), current_principal().user_id)


@blp.route("/users/me/password", methods=["POST"])
@access(AUTHENTICATED)
@blp.arguments(PasswordChangeIn)
@blp.response(200, TokenPairOut)
def change_own_password(data):
    """Change one's own password: every other session ends; a fresh token pair for this one."""
    with unit_of_work() as session:
        user = accounts.get_user(session, current_principal().user_id, for_update=True)
        accounts.change_own_password(session, user, data["current_password"], data["new_password"])
        return tokens.issue_pair(session, user, current_settings())


@blp.route("/users", methods=["GET"])
@access(ADMIN, FRONT_DESK)
@blp.arguments(UserQuery, location="query")
@blp.response(200, UserOut(many=True))
def list_users(args):
    stmt = accounts.list_users(current_principal(), args)
    return paginate(request_session(), stmt, args["limit"], args["cursor"])


@blp.route("/users", methods=["POST"])
@access(ORG_ADMIN)
@blp.arguments(UserIn)
@blp.response(201, UserOut)
def create_user(data):
    with unit_of_work() as session:
        return accounts.create_user(session, data, current_principal())


@blp.route("/users/<uuid:user_id>", methods=["GET"])
@access(ADMIN)
@blp.response(200, UserOut)
def get_user(user_id):
    return accounts.get_user(request_session(), str(user_id))


@blp.route("/users/<uuid:user_id>", methods=["PATCH"])
@access(ADMIN)
@row_access(accounts.may_edit)
@blp.arguments(UserPatch)
@blp.response(200, UserOut)
def update_user(changes, user_id):
    with unit_of_work() as session:
        user = accounts.get_user(session, str(user_id), for_update=True)
        return accounts.update_user(session, user, changes, current_principal())


@blp.route("/users/<uuid:user_id>/sessions/end", methods=["POST"])
@access(ORG_ADMIN)
@blp.response(204)
def end_sessions(user_id):
    """Sign a person out everywhere (a lost laptop, a shared password): every session and access token ends."""
    with unit_of_work() as session:
        user = accounts.get_user(session, str(user_id), for_update=True)
        tokens.revoke_all(session, user.id)


@blp.route("/users/<uuid:user_id>/invitation", methods=["POST"])
@access(FRONT_DESK)
@blp.response(201, InvitationOut)
def invite(user_id):
    with unit_of_work() as session:
        return portal.invite(session, str(user_id), current_settings())
