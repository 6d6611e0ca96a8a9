"""Access tokens (EdDSA JWTs) and refresh tokens (opaque, rotated on every use, reuse revokes the family)."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import time
from typing import Any

import jwt
from flask import has_request_context, request
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from servicekit.addresses import client_address
from servicekit.auth import ALGORITHM, access_claims
from servicekit.db import lock_for_update, new_id, utcnow
from servicekit.errors import ServiceUnavailable, Unauthorized

from gateway import revocations
from gateway.config import GatewaySettings
from gateway.models import RefreshToken, User

log = logging.getLogger(__name__)

INVALID_REFRESH = "The refresh token is invalid or has expired; log in again."
REUSED_REFRESH = "This refresh token was already used; every session it belonged to is now closed. Log in again."


def digest(raw: str) -> str:
    """SHA-256 hex of an opaque token: only this is stored, never the token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def access_token(user: User, settings: GatewaySettings, session_id: str | None = None) -> str:
    """A signed access token whose claims every service's TokenVerifier accepts (`session_id`: its sign-in)."""
    if not settings.jwt_private_key:
        raise ServiceUnavailable("The gateway has no signing key configured (JWT_PRIVATE_KEY_FILE); "
                                 "nobody can log in until it has one.")
    now = time.time()
    claims = access_claims(
        user_id=user.id, role=user.role, name=user.name, email=user.email, therapist_id=user.therapist_id,
        client_ids=user.client_ids or (), issuer=settings.jwt_issuer, audience=settings.jwt_audience,
        now=int(now), ttl=settings.access_token_ttl, token_id=new_id(), issued_ms=int(now * 1000),
        session_id=session_id)
    return jwt.encode(claims, settings.jwt_private_key, algorithm=ALGORITHM)


def _origin() -> tuple[str | None, str | None]:
    """Where a sign-in comes from (the caller's address, its browser), shown in the person's list of sessions."""
    if not has_request_context():
        return None, None
    return client_address()[:45], (request.headers.get("User-Agent") or "")[:200] or None


def _new_refresh_token(session: Session, user: User, settings: GatewaySettings,
                       predecessor: RefreshToken | None) -> tuple[str, RefreshToken]:
    raw = secrets.token_urlsafe(32)
    address, user_agent = (predecessor.address, predecessor.user_agent) if predecessor else _origin()
    row = RefreshToken(id=new_id(), user_id=user.id, token_hash=digest(raw),
                       family_id=predecessor.family_id if predecessor else new_id(),
                       expires_at=utcnow() + dt.timedelta(seconds=settings.refresh_token_ttl),
                       address=address, user_agent=user_agent)
    session.add(row)
    return raw, row


def _pair(user: User, settings: GatewaySettings, raw_refresh: str, family_id: str) -> dict[str, Any]:
    return {"access_token": access_token(user, settings, family_id), "token_type": "Bearer",
            "expires_in": settings.access_token_ttl, "refresh_token": raw_refresh, "user": user}


def issue_pair(session: Session, user: User, settings: GatewaySettings) -> dict[str, Any]:
    """A new access token and a refresh token starting a new token family (one per login)."""
    raw, row = _new_refresh_token(session, user, settings, None)
    return _pair(user, settings, raw, row.family_id)


def refresh(session: Session, raw: str, settings: GatewaySettings) -> dict[str, Any] | None:
    """Rotate a refresh token into a new pair; None when a used token came back (its family is then revoked)."""
    now = utcnow()
    row = session.scalars(lock_for_update(select(RefreshToken).where(RefreshToken.token_hash == digest(raw)))).first()
    if row is None or row.expires_at <= now:
        raise Unauthorized(INVALID_REFRESH)
    if row.revoked_at is not None:
        # Only the newest token of a family is ever valid: an older one coming back means it was copied.
        log.warning("refresh token reuse for user %s; revoking token family %s", row.user_id, row.family_id)
        revoke_family(session, row.family_id)
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise Unauthorized(INVALID_REFRESH)
    raw_next, successor = _new_refresh_token(session, user, settings, row)
    row.revoked_at, row.replaced_by = now, successor.id
    return _pair(user, settings, raw_next, row.family_id)


def revoke_family(session: Session, family_id: str) -> None:
    """Close every session descended from one login."""
    session.execute(update(RefreshToken).where(RefreshToken.family_id == family_id,
                                               RefreshToken.revoked_at.is_(None)).values(revoked_at=utcnow()))


def revoke_all(session: Session, user_id: str) -> None:
    """Close every session of a user (deactivation, new password), access tokens included."""
    session.execute(update(RefreshToken).where(RefreshToken.user_id == user_id,
                                               RefreshToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    revocations.end_access(session, user_id)


def logout(session: Session, raw: str) -> None:
    """End the session a refresh token belongs to; unknown tokens are ignored (logging out twice is fine).

    The access tokens signed until now stop working too; the person's other sessions simply refresh theirs.
    """
    row = session.scalars(select(RefreshToken).where(RefreshToken.token_hash == digest(raw))).first()
    if row is not None:
        revoke_family(session, row.family_id)
        revocations.end_access(session, row.user_id)
