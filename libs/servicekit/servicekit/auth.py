"""Access-token verification and role rules. Deny by default: every view declares who may call it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, TypeVar

import jwt
from flask import Flask, current_app, g, request

from servicekit.errors import Forbidden, Unauthorized

F = TypeVar("F", bound=Callable[..., Any])

ORG_ADMIN, ADMIN, FRONT_DESK, BILLER, THERAPIST, CLIENT = (
    "org_admin", "admin", "front_desk", "biller", "therapist", "client")
ROLES = (ORG_ADMIN, ADMIN, FRONT_DESK, BILLER, THERAPIST, CLIENT)
STAFF_ROLES = (ORG_ADMIN, ADMIN, FRONT_DESK, BILLER, THERAPIST)

# A role also holds the rights of the roles it includes (DESIGN.md section 1).
_INCLUDES: dict[str, set[str]] = {
    ORG_ADMIN: {ORG_ADMIN, ADMIN, FRONT_DESK, BILLER, THERAPIST},
    ADMIN: {ADMIN, FRONT_DESK, BILLER, THERAPIST},
    FRONT_DESK: {FRONT_DESK},
    BILLER: {BILLER},
    THERAPIST: {THERAPIST},
    CLIENT: {CLIENT},
}

PUBLIC = "public"
AUTHENTICATED = "authenticated"
ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff member, a portal user (family), or nobody."""

    user_id: str | None = None
    role: str | None = None
    name: str = ""
    email: str = ""
    therapist_id: str | None = None
    client_ids: frozenset[str] = field(default_factory=frozenset)
    issued_ms: int | None = None  # when the access token was signed, in ms (the gateway ends access after it)
    session_id: str | None = None  # the sign-in (refresh-token family) the token belongs to: "this session"

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def has_any(self, roles: Iterable[str]) -> bool:
        """True when the principal's role includes one of `roles`."""
        held = _INCLUDES.get(self.role or "", set())
        return any(r in held for r in roles)

    def is_only_therapist(self) -> bool:
        """A therapist without broader rights: their view is limited to their own work."""
        return self.role == THERAPIST

    def may_see_family(self, client_id: str | None) -> bool:
        """A portal user sees only their own family's clients."""
        return self.role != CLIENT or (client_id is not None and client_id in self.client_ids)


ANONYMOUS = Principal()


def access(*rule: str) -> Callable[[F], F]:
    """Declare who may call a view: `@access(PUBLIC)`, `@access(AUTHENTICATED)` or `@access(FRONT_DESK, BILLER)`."""
    if not rule:
        raise ValueError("an access rule needs at least one role (or PUBLIC / AUTHENTICATED)")

    def mark(fn: F) -> F:
        fn._access = frozenset(rule)  # type: ignore[attr-defined]
        return fn

    return mark


ACCESS_TOKEN_SECONDS = 900


def access_claims(*, user_id: str, role: str, name: str = "", email: str = "", therapist_id: str | None = None,
                  client_ids: Iterable[str] = (), issuer: str, audience: str, now: int,
                  ttl: int = ACCESS_TOKEN_SECONDS, token_id: str, issued_ms: int | None = None,
                  session_id: str | None = None) -> dict[str, Any]:
    """The claims of an access token; the gateway signs them, every service reads them back.

    `iat_ms` (the signing time in milliseconds) lets the gateway end a person's access at an exact moment: a
    logout must refuse the token signed a millisecond before it, not one signed a millisecond after.
    `sid` names the sign-in the token was issued for, so that a person's list of sessions can say which is theirs.
    """
    claims: dict[str, Any] = {
        "iss": issuer, "aud": audience, "sub": user_id, "typ": "access", "role": role, "name": name,
        "email": email, "iat": now, "exp": now + ttl, "jti": token_id, "iat_ms": issued_ms or now * 1000,
    }
    if therapist_id:
        claims["therapist_id"] = therapist_id
    if client_ids:
        claims["client_ids"] = sorted(client_ids)
    if session_id:
        claims["sid"] = session_id
    return claims


MAX_ACCESS_LIFETIME = 3600  # seconds; ACCESS_TOKEN_MAX_TTL


class TokenVerifier:
    """Checks access tokens signed by the gateway's private key (Ed25519)."""

    def __init__(self, public_key_pem: str | None, issuer: str, audience: str,
                 max_lifetime: int = MAX_ACCESS_LIFETIME) -> None:
        self._key = public_key_pem
        self.issuer = issuer
        self.audience = audience
        self.max_lifetime = max_lifetime

    def verify(self, token: str) -> Principal:
        if not self._key:
            raise Unauthorized("This service has no token key configured (JWT_PUBLIC_KEY_FILE).")
        try:
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM], audience=self.audience,
                                issuer=self.issuer, options={"require": ["exp", "iat", "sub", "role"]})
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The access token has expired; refresh it or log in again.") from exc
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"The access token is invalid: {exc}.") from exc
        if claims.get("typ") != "access" or claims["role"] not in ROLES:
            raise Unauthorized("The token is not an access token for this API.")
        if not isinstance(claims["iat"], int) or claims["exp"] - claims["iat"] > self.max_lifetime:
            # Whatever the signer wrote, an access token lives this long at most (security review).
            raise Unauthorized("The access token lives longer than this API accepts; log in again.")
        return Principal(
            user_id=str(claims["sub"]), role=claims["role"], name=claims.get("name", ""),
            email=claims.get("email", ""), therapist_id=claims.get("therapist_id"),
            client_ids=frozenset(claims.get("client_ids") or ()),
            issued_ms=claims["iat_ms"] if isinstance(claims.get("iat_ms"), int) else claims["iat"] * 1000,
            session_id=claims["sid"] if isinstance(claims.get("sid"), str) else None,
        )


def current_principal() -> Principal:
    return g.get("principal", ANONYMOUS)


def access_rule(view: Callable[..., Any], method: str) -> frozenset[str] | None:
    """The rule `@access` gave `view` (for `method`, on a MethodView); None when it has none."""
    rule = getattr(view, "_access", None)
    view_class = getattr(view, "view_class", None)
    if rule is None and view_class is not None:
        rule = getattr(getattr(view_class, method.lower(), None), "_access", None)
    return rule


def _view_rule() -> frozenset[str] | None:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return frozenset({PUBLIC})  # 404/405 are answered by Flask itself
    return access_rule(view, request.method)


def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    g.principal = ANONYMOUS
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("The Authorization header must be 'Bearer <access token>'.")
        g.principal = current_app.extensions["servicekit.tokens"].verify(token.strip())
    rule = _view_rule()
    if rule is None:
        # A view nobody declared a rule for is closed, not open.
        raise Forbidden("This endpoint has no access rule; it is closed by default.")
    if PUBLIC in rule:
        return
    if g.principal.is_anonymous:
        raise Unauthorized()
    if AUTHENTICATED in rule or g.principal.has_any(rule):
        return
    raise Forbidden(f"Your role ({g.principal.role}) may not do this; it needs one of: {', '.join(sorted(rule))}.")


def install_auth(app: Flask, verifier: TokenVerifier) -> None:
    """Verify the bearer token (if any) and apply the view's access rule before every request."""
    app.extensions["servicekit.tokens"] = verifier
    app.before_request(_authenticate)
