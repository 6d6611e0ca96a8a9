"""One's own sessions: where one is signed in (one per sign-in, i.e. per refresh-token family), and ending them.

A session is alive while the newest refresh token of its family is neither revoked nor expired. Its id is the
family id, which access tokens carry (`sid`), so the list can say which session is the caller's own. Ending a
session revokes its family and ends the user's access tokens signed until now; the sessions left simply
refresh theirs (web does so without the person noticing).
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicekit.db import utcnow
from servicekit.errors import Conflict, not_found

from gateway import revocations, tokens
from gateway.models import RefreshToken

# (name, pattern) in the order to try: Edge and Opera announce themselves as Chrome too, Chrome as Safari.
_BROWSERS = (("Edge", r"Edg(e|A|iOS)?/"), ("Opera", r"OPR/|Opera"), ("Firefox", r"Firefox/|FxiOS/"),
             ("Chromium", r"Chromium/"), ("Chrome", r"Chrome/|CriOS/"), ("Safari", r"Safari/"))
_SYSTEMS = (("Android", r"Android"), ("iOS", r"iPhone|iPad|iPod"), ("Windows", r"Windows"),
            ("macOS", r"Mac OS X|Macintosh"), ("ChromeOS", r"CrOS"), ("Linux", r"Linux"))


def _first(patterns: tuple[tuple[str, str], ...], text: str) -> str | None:
    return next((name for name, pattern in patterns if re.search(pattern, text)), None)


def describe(user_agent: str | None) -> dict[str, str | None]:
    """{browser, system} from a User-Agent header ('Firefox', 'Linux'); None for what it does not tell."""
    text = user_agent or ""
    return {"browser": _first(_BROWSERS, text), "system": _first(_SYSTEMS, text)}


def live(session: Session, user_id: str, current: str | None) -> list[dict[str, Any]]:
    """The user's live sessions, the most recently active first."""
    now = utcnow()
    rows = session.scalars(select(RefreshToken).where(
        RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None), RefreshToken.expires_at > now)
        .order_by(RefreshToken.created_at.desc(), RefreshToken.id)).all()
    # When each started: its family's first token (older, ended families are not read).
    started = dict(session.execute(select(RefreshToken.family_id, func.min(RefreshToken.created_at)).where(
        RefreshToken.family_id.in_([row.family_id for row in rows])).group_by(RefreshToken.family_id)).all())
    return [{"id": row.family_id, "started_at": started.get(row.family_id, row.created_at),
             "last_active_at": row.created_at, "address": row.address, "user_agent": row.user_agent,
             **describe(row.user_agent), "current": row.family_id == current} for row in rows]


def end(session: Session, user_id: str, session_id: str) -> None:
    """End one of the user's own live sessions; another person's (or an ended one) is a 404."""
    now = utcnow()
    found = session.scalars(select(RefreshToken.id).where(
        RefreshToken.user_id == user_id, RefreshToken.family_id == session_id, RefreshToken.revoked_at.is_(None),
        RefreshToken.expires_at > now)).first()
    if found is None:
        raise not_found("Session", session_id)
    tokens.revoke_family(session, session_id)
    revocations.end_access(session, user_id)


def end_others(session: Session, user_id: str, current: str | None) -> int:
    """End every live session of the user but the caller's own; how many ended."""
    if current is None:
        raise Conflict("This session cannot be told apart from the others; sign in again, then retry.")
    families = set(session.scalars(select(RefreshToken.family_id).where(
        RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None), RefreshToken.family_id != current)))
    for family in families:
        tokens.revoke_family(session, family)
    revocations.end_access(session, user_id)
    return len(families)
