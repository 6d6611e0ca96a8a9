"""Portal (family) accounts: kept in step with the CRM's guardians, activated through a single-use invitation."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import CLIENT
from servicekit.db import lock_for_update, utcnow
from servicekit.errors import Conflict

from gateway import invitations, passwords, revocations, tokens
from gateway.accounts import add_account, get_user, holding_client, normalize_email
from gateway.config import GatewaySettings
from gateway.models import Invitation, User

log = logging.getLogger(__name__)

INVITATION_TTL = dt.timedelta(days=7)


def sync_guardians(session: Session, client: dict[str, Any]) -> None:
    """`client.created` / `client.updated`: each guardian with an e-mail gets a portal account seeing this client."""
    client_id = client["client_id"]
    guardians = {normalize_email(g["email"]): g for g in client.get("guardians") or [] if g.get("email")}
    for email, guardian in guardians.items():
        _grant(session, email, guardian, client_id)
    # Someone no longer a guardian of this client stops seeing it.
    for user in session.scalars(lock_for_update(select(User).where(holding_client(client_id)))):
        if user.email not in guardians:
            user.client_ids = [c for c in user.client_ids if c != client_id]
            revocations.end_access(session, user.id)  # their tokens name that child: refused from now on


def _grant(session: Session, email: str, guardian: dict[str, Any], client_id: str) -> None:
    user = session.scalars(lock_for_update(select(User).where(User.email == email))).first()
    if user is None:
        name = f"{guardian.get('first_name', '')} {guardian.get('last_name', '')}".strip() or email
        add_account(session, User(email=email, name=name, role=CLIENT, password_hash=None, active=False,
                                  client_ids=[client_id]))
    elif user.role != CLIENT:
        # A staff member who is also a parent keeps one staff account; the portal is not merged into it.
        log.info("guardian of client %s has staff account %s; no portal access added", client_id, user.id)
    elif client_id not in user.client_ids:
        user.client_ids = [*user.client_ids, client_id]  # a new list: SQLAlchemy sees the change


def invite(session: Session, user_id: str, settings: GatewaySettings) -> dict[str, Any]:
    """E-mail a fresh activation link to the family's own address (earlier unused links stop working).

    The link goes only to the account's address, never back to the caller, and never for an account already
    in use: else whoever may invite could take a family's account over.
    """
    user = get_user(session, user_id, for_update=True)
    if user.role != CLIENT:
        raise Conflict("Invitations are for portal (family) accounts; an administrator sets staff passwords.")
    if user.password_hash is not None and not user.active:
        raise Conflict("This portal account was deactivated by an administrator; reactivate it first.")
    if user.password_hash is not None:
        raise Conflict("This family already uses its portal account: they sign in with their own password.")
    invitation = invitations.issue(session, user, invitations.ACTIVATE, INVITATION_TTL, settings)  # the welcome e-mail
    return {"sent_to": user.email, "expires_at": invitation.expires_at}


def _awaiting_invitation(session: Session, user: User, now: dt.datetime) -> bool:
    """A portal account never activated and without a live invitation."""
    if user.role != CLIENT or user.password_hash is not None:
        return False
    pending = session.scalars(select(Invitation.id).where(
        Invitation.user_id == user.id, Invitation.used_at.is_(None), Invitation.expires_at > now)).first()
    return pending is None


def invite_active_guardians(session: Session, client: dict[str, Any], settings: GatewaySettings) -> None:
    """An active client's guardians are invited to the portal, once (prospects are not)."""
    if client.get("status") != "active":
        return
    emails = {normalize_email(g["email"]) for g in client.get("guardians") or [] if g.get("email")}
    now = utcnow()
    for user in session.scalars(lock_for_update(select(User).where(User.email.in_(sorted(emails))))):
        if _awaiting_invitation(session, user, now):
            invite(session, user.id, settings)


def activate(session: Session, raw: str, password: str) -> User:
    """Set the password of the account an invitation is for; the invitation is spent."""
    invitation, user = invitations.usable(session, raw, invitations.ACTIVATE, for_update=True)
    now = utcnow()
    invitation.used_at = now
    user.password_hash = passwords.hash_password(password)
    user.active = True
    user.last_login_at = now
    tokens.revoke_all(session, user.id)
    return user
