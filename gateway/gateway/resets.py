"""A forgotten password: a single-use link by e-mail (staff and families), then a new password.

The request is answered alike whether or not the address has an account (nobody learns who has one), and it
costs about the same either way (a few rows, no password hashing). It is limited per address asked for and per
caller's address, so nobody floods a person's inbox. A family that never activated its account gets a fresh
activation e-mail instead (gateway.portal): there is no password to reset yet.

A reset link works once, for an hour, and only the newest one works; it is an `invitations` row of purpose
"reset", which an activation link can never stand for (nor the reverse). Setting the new password ends every
session of the account.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import CLIENT
from servicekit.db import lock_for_update, utcnow

from gateway import invitations, passwords, portal, throttles, tokens
from gateway.accounts import normalize_email
from gateway.config import GatewaySettings
from gateway.models import User

RESET_TTL = dt.timedelta(hours=1)
WINDOW = dt.timedelta(hours=1)
PER_EMAIL = 5  # requests for one address per hour
PER_CALLER = 20  # requests from one caller's address per hour, whatever the e-mail addresses
ON_ITS_WAY = ("If an account uses this address, an e-mail with a link to choose a new password is on its way; "
              "the link works for an hour.")


def _limit(session: Session, key: str, limit: int, now: dt.datetime) -> None:
    row = throttles.bump(session, key, WINDOW, now)
    if row.count > limit:
        raise throttles.too_many("Too many password reset requests", row.window_start + WINDOW - now)


def request_reset(session: Session, email: str, address: str, settings: GatewaySettings) -> None:
    """E-mail a reset link (or, to a family never activated, its activation link) when the account can use one."""
    email, now = normalize_email(email), utcnow()
    _limit(session, f"reset-email:{email}", PER_EMAIL, now)
    _limit(session, f"reset-address:{address}", PER_CALLER, now)
    user = session.scalars(lock_for_update(select(User).where(User.email == email))).first()
    if user is None:
        return
    if user.password_hash is None and user.role == CLIENT:
        portal.invite(session, user.id, settings)
    elif user.password_hash is not None and user.active:
        invitations.issue(session, user, invitations.RESET, RESET_TTL, settings)


def complete(session: Session, raw: str, password: str) -> User:
    """Set the new password of the account a reset link is for; the link is spent and every session ends."""
    invitation, user = invitations.usable(session, raw, invitations.RESET, for_update=True)
    invitation.used_at = utcnow()
    user.password_hash = passwords.hash_password(password)
    tokens.revoke_all(session, user.id)
    return user
