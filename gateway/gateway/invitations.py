"""Single-use links that set a password — a family's activation, a forgotten password's reset — as `invitations`
rows (only the token's SHA-256 kept). A link stands only for its own purpose: an activation link is no reset link,
nor the reverse."""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from servicekit import sealing
from servicekit.db import lock_for_update, utcnow
from servicekit.errors import Gone, NotFound
from servicekit.messaging import add_event

from gateway import tokens
from gateway.accounts import get_user
from gateway.config import GatewaySettings
from gateway.models import Invitation, User

ACTIVATE, RESET = "activate", "reset"
PURPOSES = (ACTIVATE, RESET)
_REFUSALS = {  # purpose -> (not ours, or another kind of link; spent or expired)
    ACTIVATE: ("This activation link is not valid; ask the center for a new one.",
               "This activation link has expired or was already used; ask the center for a new one."),
    RESET: ("This password reset link is not valid; ask for a new one.",
            "This password reset link has expired or was already used; ask for a new one."),
}


# purpose -> (the page the link opens, the event that has it e-mailed, the event's field holding the link)
_LINKS = {ACTIVATE: ("activate", "account.invited", "activation_url"),
          RESET: ("reset-password", "account.password_reset_requested", "reset_url")}


def issue(session: Session, user: User, purpose: str, ttl: dt.timedelta, settings: GatewaySettings) -> Invitation:
    """A fresh link of `purpose` for `user` (their earlier unused ones of that purpose stop working), e-mailed by
    the notifications service to the account's own address: the event carries the link sealed, so no outbox row
    or queue holds a usable one (servicekit.sealing)."""
    now = utcnow()
    session.execute(update(Invitation).where(Invitation.user_id == user.id, Invitation.purpose == purpose,
                                             Invitation.used_at.is_(None), Invitation.expires_at > now)
                    .values(expires_at=now))
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(user_id=user.id, purpose=purpose, token_hash=tokens.digest(raw), expires_at=now + ttl)
    session.add(invitation)
    page, event, field = _LINKS[purpose]
    add_event(session, event, {
        "user_id": user.id, "email": user.email, "client_ids": list(user.client_ids or []),
        field: sealing.seal(f"{settings.public_base_url}/{page}?token={raw}", settings.link_sealing_public_key),
        "expires_at": invitation.expires_at.isoformat()})
    return invitation


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
