"""Single-use links that set a password — a family's activation, a forgotten password's reset — as `invitations`
rows (only the token's SHA-256 kept). A link stands only for its own purpose: an activation link is no reset link,
nor the reverse."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.db import lock_for_update, utcnow
from servicekit.errors import Gone, NotFound

from gateway import tokens
from gateway.accounts import get_user
from gateway.models import Invitation, User

ACTIVATE, RESET = "activate", "reset"
PURPOSES = (ACTIVATE, RESET)
_REFUSALS = {  # purpose -> (not ours, or another kind of link; spent or expired)
    ACTIVATE: ("This activation link is not valid; ask the center for a new one.",
               "This activation link has expired or was already used; ask the center for a new one."),
    RESET: ("This password reset link is not valid; ask for a new one.",
            "This password reset link has expired or was already used; ask for a new one."),
}


def usable(session: Session, raw: str, purpose: str, *, for_update: bool = False) -> tuple[Invitation, User]:
    """The link's row and account while it may still be used; else 404 (unknown here) or 410 (spent, expired, or
    a reset for an account deactivated since)."""
    stmt = select(Invitation).where(Invitation.token_hash == tokens.digest(raw), Invitation.purpose == purpose)
    invitation = session.scalars(lock_for_update(stmt) if for_update else stmt).first()
    unknown, spent = _REFUSALS[purpose]
    if invitation is None:
        raise NotFound(unknown)
    user = get_user(session, invitation.user_id, for_update=for_update)
    if invitation.used_at is not None or invitation.expires_at <= utcnow() or (purpose == RESET and not user.active):
        raise Gone(spent)
    return invitation, user
