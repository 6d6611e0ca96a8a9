"""Checking a login: one answer for every wrong credential, and a brake on guessing (per e-mail address)."""
from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from servicekit.db import lock_for_update, utcnow
from servicekit.errors import Problem

from gateway import passwords
from gateway.accounts import normalize_email
from gateway.models import LoginFailure, User

MAX_FAILURES = 10
WINDOW = dt.timedelta(minutes=15)
BAD_CREDENTIALS = "The e-mail address or password is incorrect, or the account is not active."


class TooManyRequests(Problem):
    status, title = 429, "Too Many Requests"


def check_credentials(session: Session, email: str, password: str) -> User | None:
    """The active user these credentials belong to, or None (the failure is counted)."""
    email, now = normalize_email(email), utcnow()
    _refuse_if_throttled(session, email, now)
    user = session.scalars(select(User).where(User.email == email)).first()
    if user is None or user.password_hash is None:
        passwords.verify_decoy(password)
        _count_failure(session, email, now)
        return None
    if not passwords.verify(user.password_hash, password) or not user.active:
        _count_failure(session, email, now)
        return None
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    return user


def _refuse_if_throttled(session: Session, email: str, now: dt.datetime) -> None:
    row = session.get(LoginFailure, email)
    if row is None or row.count < MAX_FAILURES or now >= row.window_start + WINDOW:
        return
    wait = max(1, math.ceil((row.window_start + WINDOW - now).total_seconds()))
    raise TooManyRequests(f"Too many failed logins for this account; try again in {math.ceil(wait / 60)} minute(s).",
                          headers={"Retry-After": str(wait)})


def _count_failure(session: Session, email: str, now: dt.datetime) -> None:
    row = session.scalars(lock_for_update(select(LoginFailure).where(LoginFailure.email == email))).first()
    if row is None:
        try:
            with session.begin_nested():
                session.add(LoginFailure(email=email, window_start=now, count=1))
            return
        except IntegrityError:
            # A concurrent failure created the counter first: count on it instead.
            row = session.scalars(lock_for_update(select(LoginFailure).where(LoginFailure.email == email))).one()
    if now >= row.window_start + WINDOW:
        row.window_start, row.count = now, 1
    else:
        row.count += 1
