"""Counters per key over a time window, kept in the gateway's database so every gateway process shares them.

Two users: the brakes on password guessing (gateway.signin) and the limit on anonymous writes per address —
public booking, the wait list, signing by link — which let anyone book 30 sessions and send 30 e-mails to
any address in a second (security review, finding 9).
"""
from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from servicekit.db import lock_for_update, utcnow
from servicekit.errors import Problem

from gateway.models import Throttle

PUBLIC_WRITE_WINDOW = dt.timedelta(minutes=10)


class TooManyRequests(Problem):
    status, title = 429, "Too Many Requests"


def too_many(what: str, wait: dt.timedelta) -> TooManyRequests:
    """A 429 saying what and when to try again (Retry-After in seconds)."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    when = f"{seconds} second(s)" if seconds < 120 else f"{math.ceil(seconds / 60)} minute(s)"
    return TooManyRequests(f"{what}; try again in {when}.", headers={"Retry-After": str(seconds)})


def bump(session: Session, key: str, window: dt.timedelta, now: dt.datetime) -> Throttle:
    """Count one more under `key` (locked until the transaction ends); a window over starts afresh."""
    row = session.scalars(lock_for_update(select(Throttle).where(Throttle.key == key))).first()
    if row is None:
        try:
            with session.begin_nested():
                row = Throttle(key=key, window_start=now, count=0)
                session.add(row)
        except IntegrityError:
            # A concurrent request created the counter first: count on it instead.
            row = session.scalars(lock_for_update(select(Throttle).where(Throttle.key == key))).one()
    if now >= row.window_start + window:
        row.window_start, row.count, row.blocked_until = now, 0, None
    row.count += 1
    return row


def limit_public_write(session: Session, address: str, limit: int) -> None:
    """Refuse (429) the anonymous write past `limit` from `address` in PUBLIC_WRITE_WINDOW (0: no limit)."""
    if limit <= 0:
        return
    now = utcnow()
    row = bump(session, f"public-write:{address}", PUBLIC_WRITE_WINDOW, now)
    if row.count > limit:
        raise too_many("Too many requests from your address", row.window_start + PUBLIC_WRITE_WINDOW - now)
