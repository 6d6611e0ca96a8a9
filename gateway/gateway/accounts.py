"""Staff accounts: creation and edits under the role rules, listing, and the first org_admin from the environment."""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, and_, cast, select, update
from sqlalchemy.orm import Session

from servicekit.auth import CLIENT, FRONT_DESK, ORG_ADMIN, THERAPIST, Principal
from servicekit.db import Database, lock_for_update, request_session, utcnow
from servicekit.errors import Conflict, Forbidden, field_error, not_found
from servicekit.messaging import add_event

from gateway import passwords, revocations, tokens
from gateway.config import GatewaySettings
from gateway.models import Invitation, User

log = logging.getLogger(__name__)


def normalize_email(email: str) -> str:
    """E-mail addresses are compared and stored lower-case, without surrounding spaces."""
    return email.strip().lower()


def account_payload(user: User) -> dict[str, Any]:
    """The `account.created` event data."""
    return {"user_id": user.id, "email": user.email, "role": user.role, "client_ids": list(user.client_ids or [])}


def add_account(session: Session, user: User) -> User:
    """Store a new account and announce it."""
    session.add(user)
    session.flush()
    add_event(session, "account.created", account_payload(user))
    return user


def holding_client(client_id: str) -> ColumnElement[bool]:
    """Portal accounts whose client_ids include `client_id` (the JSON text holds it quoted, on every backend)."""
    return and_(User.role == CLIENT, cast(User.client_ids, Text).contains(f'"{client_id}"', autoescape=True))


def get_user(session: Session, user_id: str, *, for_update: bool = False) -> User:
    """The account with this id (locked for update when asked), or a 404."""
    stmt = select(User).where(User.id == user_id)
    user = session.scalars(lock_for_update(stmt) if for_update else stmt).first()
    if user is None:
        raise not_found("User", user_id)
    return user


def _require_org_admin_for(principal: Principal, what: str) -> None:
    if principal.role != ORG_ADMIN:
        raise Forbidden(f"Only an org_admin may {what}.")


def create_user(session: Session, data: dict[str, Any], principal: Principal) -> User:
    """A staff account with a password (the owner's job); a therapist account must name its therapist record."""
    _require_org_admin_for(principal, "create staff accounts")
    therapist_id = str(data["therapist_id"]) if data.get("therapist_id") else None
    if data["role"] == THERAPIST and therapist_id is None:
        raise field_error("therapist_id", "A therapist account needs the id of its therapist record.")
    email = normalize_email(data["email"])
    if session.scalars(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict(f"An account with the e-mail address {email} already exists.")
    return add_account(session, User(
        email=email, name=data["name"].strip(), role=data["role"], therapist_id=therapist_id,
        password_hash=passwords.hash_password(data["password"]), active=True, client_ids=[]))


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    """A new password for the signed-in user, who proves the current one; all their sessions end."""
    if user.password_hash is None or not passwords.verify(user.password_hash, current):
        raise field_error("current_password", "This is not your current password.")
    if current == new:
        raise field_error("new_password", "Choose a password different from the current one.")
    user.password_hash = passwords.hash_password(new)
    tokens.revoke_all(session, user.id)


def update_user(session: Session, user: User, changes: dict[str, Any], principal: Principal) -> User:
    """Apply an administrator's edits; a new password or a deactivation closes the user's sessions, a new role or
    therapist record ends the access tokens carrying the old one (the sessions refresh into the new)."""
    _check_role_change(session, user, changes, principal)
    claims_before = (user.role, user.therapist_id)
    for field in ("name", "role", "active"):
        if field in changes:
            setattr(user, field, changes[field])
    if "therapist_id" in changes:
        user.therapist_id = str(changes["therapist_id"]) if changes["therapist_id"] else None
    if user.role == THERAPIST and not user.therapist_id:
        raise field_error("therapist_id", "A therapist account needs the id of its therapist record.")
    if changes.get("password"):
        user.password_hash = passwords.hash_password(changes["password"])
    if changes.get("password") or changes.get("active") is False:
        tokens.revoke_all(session, user.id)
    elif (user.role, user.therapist_id) != claims_before:
        revocations.end_access(session, user.id)
    if changes.get("active") is False:
        session.execute(update(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
                        .values(expires_at=utcnow()))
    return user


def may_edit(principal: Principal, user_id: str) -> None:
    """Before an edit's body is read (servicekit.row_access): a staff account is the owner's alone, so an office
    manager is refused whatever the body says — not told how to shape a request they may not make."""
    if principal.role == ORG_ADMIN:
        return
    target = request_session().get(User, user_id)
    if target is not None and target.role != CLIENT:
        _require_org_admin_for(principal, "change staff accounts, their roles or their passwords")


# What an office manager (admin) may change on a family's portal account; staff accounts are the owner's alone.
PORTAL_FIELDS_FOR_ADMIN = frozenset({"name", "active"})


def _check_role_change(session: Session, user: User, changes: dict[str, Any], principal: Principal) -> None:
    if principal.role != ORG_ADMIN:
        # DESIGN §1: staff accounts and roles belong to the org_admin. An admin may rename or (de)activate a
        # family's portal account, never set its password (that would let them sign in as the family).
        if user.role != CLIENT:
            _require_org_admin_for(principal, "change staff accounts, their roles or their passwords")
        if set(changes) - PORTAL_FIELDS_FOR_ADMIN:
            _require_org_admin_for(principal, "set a portal account's password or role")
    if user.role == ORG_ADMIN or changes.get("role") == ORG_ADMIN:
        _require_org_admin_for(principal, "change an org_admin account or grant the org_admin role")
    if "role" in changes and (user.role == CLIENT) != (changes["role"] == CLIENT):
        raise field_error("role", "Portal (client) and staff accounts cannot be turned into one another.")
    leaves = changes.get("role", ORG_ADMIN) != ORG_ADMIN or changes.get("active") is False
    if user.role == ORG_ADMIN and user.active and leaves and _active_org_admins(session) <= 1:
        raise Conflict("This is the last active org_admin; appoint another org_admin first.")


def _active_org_admins(session: Session) -> int:
    stmt = lock_for_update(select(User.id).where(User.role == ORG_ADMIN, User.active.is_(True)))
    return len(session.scalars(stmt).all())


def list_users(principal: Principal, args: dict[str, Any]) -> Select:
    """Accounts matching the filters; the front desk sees only portal accounts (to invite families)."""
    stmt = select(User).order_by(User.email, User.id)
    if principal.role == FRONT_DESK:
        stmt = stmt.where(User.role == CLIENT)
    if args.get("role"):
        stmt = stmt.where(User.role == args["role"])
    if args.get("staff") is not None:
        stmt = stmt.where((User.role != CLIENT) if args["staff"] else (User.role == CLIENT))
    if args.get("active") is not None:
        stmt = stmt.where(User.active.is_(args["active"]))
    if args.get("email"):
        stmt = stmt.where(User.email == normalize_email(args["email"]))
    if args.get("client_id"):
        stmt = stmt.where(holding_client(str(args["client_id"])))
    return stmt


def ensure_admin(settings: GatewaySettings, db: Database | None = None) -> bool:
    """Create the first org_admin from ADMIN_EMAIL / ADMIN_PASSWORD unless that account exists (never overwritten)."""
    if not (settings.admin_email and settings.admin_password):
        return False
    # The owner's account opens everything: a guessable first password is refused before anything is created.
    name = settings.center_name
    weakness = passwords.too_guessable(settings.admin_password, (
        settings.admin_email, settings.admin_email.split("@")[0], name, name.replace(" ", ""), *name.split()))
    if weakness:
        raise RuntimeError(f"ADMIN_PASSWORD is refused: {weakness}. Choose a long passphrase.")
    database = db or Database(settings.database_url, settings.service, pool_size=1,
                              connect_timeout=settings.db_connect_timeout)
    email = normalize_email(settings.admin_email)
    try:
        with database.transaction() as session:
            if session.scalars(select(User.id).where(User.email == email)).first() is not None:
                log.info("admin account %s already exists; left as it is", email)
                return False
            add_account(session, User(email=email, name="Administrator", role=ORG_ADMIN, active=True, client_ids=[],
                                      password_hash=passwords.hash_password(settings.admin_password)))
        log.info("created the first org_admin account %s", email)
        return True
    finally:
        if db is None:
            database.dispose()
