"""Ending a person's access at once — logout, a new password, a new role, deactivation — not at token expiry.

Access tokens are checked by signature alone, so a token stays good until it expires (15 minutes) unless
someone remembers it was withdrawn. The gateway remembers: each user has `access_ended_at`, and every request
that reaches the gateway with a token signed before that moment is refused (401) — the person's other sessions
simply refresh theirs. Every client goes through the gateway (the services are not reachable from outside), so
this holds for the whole API; each service still refuses tokens meant to live over ACCESS_TOKEN_MAX_TTL.

Each gateway process keeps the recent moments in memory and reads the changes every REVOCATION_REFRESH_SECONDS
(1 s by default), so another process's logout takes effect within that.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Callable

from flask import current_app, has_app_context, request
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from servicekit.auth import current_principal
from servicekit.db import request_session, utcnow
from servicekit.errors import Unauthorized

from gateway.models import User

ENDED = "This session has ended (signed out, new password or changed access); sign in again."


def end_access(session: Session, user_id: str) -> None:
    """From now on, every access token this user was given before is refused."""
    now = utcnow()
    session.execute(update(User).where(User.id == user_id).values(access_ended_at=now))
    if has_app_context():  # an API request: this process knows at once; the others (and consumers) read it
        _cache().note(user_id, now)


class EndedAccess:
    """user id -> when their access last ended, for the users whose tokens may still be alive."""

    def __init__(self, refresh_seconds: float, horizon: dt.timedelta) -> None:
        self.refresh_seconds, self.horizon = refresh_seconds, horizon
        self._ended: dict[str, dt.datetime] = {}
        self._read_at = 0.0
        self._lock = threading.Lock()

    def note(self, user_id: str, moment: dt.datetime) -> None:
        with self._lock:
            self._ended[user_id] = max(moment, self._ended.get(user_id, moment))

    def ended_at(self, session: Callable[[], Session], user_id: str) -> dt.datetime | None:
        if time.monotonic() - self._read_at >= self.refresh_seconds:
            since = utcnow() - self.horizon  # older ends concern only tokens that have expired anyway
            rows = session().execute(select(User.id, User.access_ended_at).where(User.access_ended_at > since)).all()
            with self._lock:
                self._ended = {user: moment for user, moment in rows}
                self._read_at = time.monotonic()
        return self._ended.get(user_id)


def _cache() -> EndedAccess:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache = app.extensions.get("gateway.ended_access")
    if cache is None:
        settings = app.extensions["servicekit.settings"]
        cache = app.extensions.setdefault("gateway.ended_access", EndedAccess(
            settings.revocation_refresh_seconds, dt.timedelta(seconds=settings.access_token_max_ttl)))
    return cache


def refuse_ended_access() -> None:
    """before_request: a token signed before its user's access ended is a 401, whatever the path."""
    principal = current_principal()
    if principal.is_anonymous or principal.issued_ms is None or (request.endpoint or "").startswith("auth."):
        return  # /auth/* (login, refresh, logout) never act on the bearer token: an old one must not block them
    ended = _cache().ended_at(request_session, principal.user_id)
    # Compared in whole milliseconds, as tokens carry them: one signed in the same millisecond stays good.
    if ended is not None and principal.issued_ms < int(ended.timestamp() * 1000):
        raise Unauthorized(ENDED)
