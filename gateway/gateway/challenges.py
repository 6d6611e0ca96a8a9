"""The proof, between the two steps of a sign-in, that the password was right: a short-lived signed challenge.

A JWT signed with the gateway's key like an access token, but of its own `typ`: servicekit's TokenVerifier
refuses anything that is not `typ: access`, so a challenge opens no API — it only lets its holder finish the
sign-in (`code`: give a second-factor code; `enrol`: set a second factor up first, for a role that requires
one). It lives five minutes and dies with the person's access (a new password, deactivation, "sign out
everywhere" in between end it).
"""
from __future__ import annotations

import time

import jwt
from sqlalchemy.orm import Session

from servicekit.auth import ALGORITHM
from servicekit.db import new_id
from servicekit.errors import ServiceUnavailable, Unauthorized, field_error

from gateway.accounts import get_user
from gateway.config import GatewaySettings
from gateway.models import User

TYPE = "second_factor"
PURPOSES = ("code", "enrol")
LIFETIME = 300  # seconds
EXPIRED = "This sign-in took too long or is no longer valid; enter your e-mail and password again."


def issue(user: User, purpose: str, settings: GatewaySettings) -> dict[str, object]:
    """The 202 answer of a login that needs its second step."""
    if not settings.jwt_private_key:
        raise ServiceUnavailable("The gateway has no signing key configured (JWT_PRIVATE_KEY_FILE).")
    now = time.time()
    claims = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": user.id, "typ": TYPE,
              "purpose": purpose, "iat": int(now), "iat_ms": int(now * 1000), "exp": int(now) + LIFETIME,
              "jti": new_id()}
    return {"second_factor": purpose, "challenge": jwt.encode(claims, settings.jwt_private_key, algorithm=ALGORITHM),
            "expires_in": LIFETIME}


def redeem(session: Session, challenge: str, purpose: str, settings: GatewaySettings) -> User:
    """The active user a valid challenge of `purpose` was issued to (locked for update), else a 401."""
    try:
        claims = jwt.decode(challenge, settings.jwt_public_key, algorithms=[ALGORITHM],
                            audience=settings.jwt_audience, issuer=settings.jwt_issuer,
                            options={"require": ["exp", "iat", "sub", "typ"]})
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(EXPIRED) from exc
    if claims.get("typ") != TYPE:
        raise Unauthorized(EXPIRED)
    if claims.get("purpose") != purpose:
        raise field_error("challenge", "This challenge is for another step of the sign-in.")
    user = session.get(User, str(claims["sub"]))
    if user is None or not user.active:
        raise Unauthorized(EXPIRED)
    user = get_user(session, user.id, for_update=True)
    ended = user.access_ended_at
    if ended is not None and int(claims.get("iat_ms") or 0) < int(ended.timestamp() * 1000):
        raise Unauthorized(EXPIRED)
    return user
