"""/api/v1/users/me/sessions: where one is signed in, and ending a session (a forgotten computer)."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import AUTHENTICATED, access, current_principal
from servicekit.db import request_session, unit_of_work

from gateway import sessions
from gateway.schemas import EndedOut, SessionOut

blp = Blueprint("sessions", __name__, description="One's own sessions")


@blp.route("/users/me/sessions", methods=["GET"])
@access(AUTHENTICATED)
@blp.response(200, SessionOut(many=True))
def list_sessions():
    """One's live sessions (one per sign-in): when and where each started, when last active, which is this one."""
    principal = current_principal()
    return sessions.live(request_session(), principal.user_id, principal.session_id)


@blp.route("/users/me/sessions/<uuid:session_id>", methods=["DELETE"])
@access(AUTHENTICATED)
@blp.response(204)
def end_session(session_id):
    """End one of one's sessions; the others go on (their access tokens refresh)."""
    with unit_of_work() as session:
        sessions.end(session, current_principal().user_id, str(session_id))


@blp.route("/users/me/sessions/end-others", methods=["POST"])
@access(AUTHENTICATED)
@blp.response(200, EndedOut)
def end_other_sessions():
    """Sign out every other session of one's own; this one goes on."""
    principal = current_principal()
    with unit_of_work() as session:
        return {"ended": sessions.end_others(session, principal.user_id, principal.session_id)}
