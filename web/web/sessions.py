"""Server-side sessions: the browser holds a random id in an HttpOnly cookie; everything else is a row here.

Flask's `session` (CSRF secret, flashes, language) is the row's `data`; the user's access and refresh tokens
are columns the browser never sees. The gateway revokes a whole token family when a rotated refresh token
comes back, so two requests refreshing at once would sign the user out everywhere: the refresh happens under
a lock on the session's row, and a request that waited reads the pair the first one obtained.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, select, update
from werkzeug.datastructures import CallbackDict

from servicekit.auth import Principal
from servicekit.db import Database, utcnow

from web.gateway import Gateway, SignInRequired
from web.models import WebSession

REFRESH_MARGIN = dt.timedelta(seconds=30)  # refresh a little before expiry, not after a refused call
TOUCH_EVERY = dt.timedelta(minutes=1)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    """Who is signed in (from the gateway's login answer); `holds()` follows the role inclusions of DESIGN.md."""

    id: str
    email: str
    name: str
    role: str

    def holds(self, *roles: str) -> bool:
        return Principal(user_id=self.id, role=self.role).has_any(roles)


class ServerSession(CallbackDict, SessionMixin):
    """Flask's `session`, kept in the web_sessions row named by the cookie."""

    def __init__(self, data: dict | None = None, cookie: str | None = None, user: User | None = None) -> None:
        def on_update(_self: Any) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.cookie, self.user = cookie, user
        self.modified = False
        self.issue: str | None = None   # a new cookie value to send (sign-in rotates the id)
        self.ended = False              # signed out: delete the row and the cookie

    @property
    def key(self) -> str | None:
        return _hash(self.cookie) if self.cookie else None


class SessionStore:
    """Rows of web_sessions: create, load, save, end, and the locked token refresh."""

    def __init__(self, db: Database, idle: dt.timedelta) -> None:
        self.db, self.idle = db, idle

    def load(self, cookie: str) -> WebSession | None:
        with self.db.transaction() as s:
            row = s.get(WebSession, _hash(cookie))
            if row is not None and row.last_seen_at < utcnow() - self.idle:
                s.delete(row)
                return None
            return row

    def create(self, data: dict, pair: dict | None = None) -> str:
        """A new row (and cookie value); with `pair`, the signed-in user's tokens and identity."""
        cookie = secrets.token_urlsafe(32)
        row = WebSession(id=_hash(cookie), data=dict(data))
        if pair is not None:
            _apply_pair(row, pair)
            user = pair.get("user") or {}
            row.user_id, row.email, row.name, row.role = user.get("id"), user.get("email"), user.get("name"), \
                user.get("role")
        with self.db.transaction() as s:
            s.add(row)
        return cookie

    def save_data(self, key: str, data: dict) -> None:
        with self.db.transaction() as s:
            s.execute(update(WebSession).where(WebSession.id == key).values(data=dict(data), last_seen_at=utcnow()))

    def touch(self, key: str) -> None:
        with self.db.transaction() as s:
            s.execute(update(WebSession).where(WebSession.id == key, WebSession.last_seen_at < utcnow() - TOUCH_EVERY)
                      .values(last_seen_at=utcnow()))

    def end(self, key: str) -> str | None:
        """Delete the row; its refresh token (for the gateway's logout), if any."""
        with self.db.transaction() as s:
            row = s.get(WebSession, key)
            if row is None:
                return None
            token = row.refresh_token
            s.delete(row)
            return token

    def prune(self) -> int:
        """Forget sessions idle for longer than the idle limit."""
        with self.db.transaction() as s:
            return s.execute(delete(WebSession).where(WebSession.last_seen_at < utcnow() - self.idle)).rowcount

    def access_token(self, key: str, gateway: Gateway, *, stale: str | None = None) -> str:
        """A valid access token: the stored one, or a refreshed one (under the row's lock).

        `stale` is a token the gateway just refused: refresh unless another request already replaced it.
        """
        with self.db.transaction() as s:
            row = s.get(WebSession, key)
            if row is not None and _usable(row, stale):
                return row.access_token  # type: ignore[return-value]
        return self._refresh(key, gateway, stale)

    def _refresh(self, key: str, gateway: Gateway, stale: str | None) -> str:
        # The lock is the point here: the gateway call happens inside the transaction on purpose, so a second
        # request for the same session waits and then reads the new pair instead of reusing the old token.
        with self.db.transaction() as s:
            row = s.execute(select(WebSession).where(WebSession.id == key).with_for_update()).scalar_one_or_none()
            if row is None or not row.refresh_token:
                token = None
            elif _usable(row, stale):
                return row.access_token  # type: ignore[return-value]
            else:
                try:
                    pair = gateway.call("POST", "auth/refresh", json={"refresh_token": row.refresh_token})
                except SignInRequired:
                    row.access_token = row.refresh_token = None
                    token = None
                else:
                    _apply_pair(row, pair)
                    token = row.access_token
        if token is None:
            raise SignInRequired(401, "Unauthorized", "Your session has ended; please sign in again.")
        return token


def _usable(row: WebSession, stale: str | None) -> bool:
    if not row.access_token or row.access_expires_at is None:
        return False
    if stale is not None:
        return row.access_token != stale
    return row.access_expires_at > utcnow() + REFRESH_MARGIN


def _apply_pair(row: WebSession, pair: dict) -> None:
    row.access_token, row.refresh_token = pair["access_token"], pair["refresh_token"]
    row.access_expires_at = utcnow() + dt.timedelta(seconds=int(pair.get("expires_in") or 0))
    row.last_seen_at = utcnow()


class ServerSessionInterface(SessionInterface):
    """Flask's session interface over SessionStore: one cookie, nothing readable in it."""

    def __init__(self, store: SessionStore, secure: bool) -> None:
        self.store, self.secure = store, secure
        # `__Host-` needs Secure and no Domain: the browser then refuses it from anything but this origin.
        self.cookie_name = "__Host-session" if secure else "therapy_session"

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        cookie = request.cookies.get(self.cookie_name)
        row = self.store.load(cookie) if cookie else None
        if row is None:
            return ServerSession()
        user = User(row.user_id, row.email or "", row.name or "", row.role or "") if row.user_id else None
        return ServerSession(row.data or {}, cookie, user)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:  # type: ignore[override]
        if session.ended:
            if session.key:
                self.store.end(session.key)
            response.delete_cookie(self.cookie_name, path="/", secure=self.secure, samesite="Lax", httponly=True)
            return
        if session.issue:  # signed in during this request: the row was created with its tokens
            self.store.save_data(_hash(session.issue), dict(session))
            self._set_cookie(response, session.issue)
            return
        if session.key is None:
            if session.modified and dict(session):  # an anonymous visitor who needs state (a CSRF token)
                self._set_cookie(response, self.store.create(dict(session)))
            return
        if session.modified:
            self.store.save_data(session.key, dict(session))
        else:
            self.store.touch(session.key)

    def _set_cookie(self, response: Response, value: str) -> None:
        # A session cookie (no expiry): closing the browser ends it; the server also ends idle ones.
        response.set_cookie(self.cookie_name, value, path="/", secure=self.secure, httponly=True, samesite="Lax")
        response.vary.add("Cookie")
