"""Checking a login: one answer for every wrong credential, and brakes on guessing that never lock an owner out.

OWASP's advice, as the security review asked (finding 6): no hard lockout that anyone can trigger, but delays
that grow with each failure, counted three ways —
- an account from one address: 5 free tries, then 1 s, 2 s, 4 s … up to 15 minutes between tries. The owner,
  signing in from elsewhere, is not slowed by someone guessing from their own machine;
- an address, whatever the accounts: 30 free tries, then the same growing delays (one machine trying many
  accounts);
- an account, from anywhere: 50 free tries, then delays of at most a minute (guessing spread over many
  addresses is slowed; the owner waits a minute at worst, never a quarter of an hour).
A braked try is refused before any password is hashed. Counters start afresh an hour after their first failure.

The check runs in three steps so that no database connection is held while a password is hashed: `begin`
(the brakes, the account's hash), `passwords.verify` outside any transaction, `finish` (count or clear).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from servicekit.db import lock_for_update, utcnow

from gateway import passwords, throttles
from gateway.accounts import normalize_email
from gateway.models import Throttle, User

WINDOW = dt.timedelta(hours=1)
BAD_CREDENTIALS = "The e-mail address or password is incorrect, or the account is not active."


@dataclass(frozen=True, eq=False)  # each brake is itself (a key of Attempt.keys), whatever its numbers
class Brake:
    """`free` failures within WINDOW, then a delay doubling from one second up to `longest`."""

    free: int
    longest: dt.timedelta

    def delay(self, failures: int) -> dt.timedelta:
        if failures <= self.free:
            return dt.timedelta(0)
        return min(dt.timedelta(seconds=2 ** min(failures - self.free - 1, 20)), self.longest)


PAIR = Brake(free=5, longest=dt.timedelta(minutes=15))
ADDRESS = Brake(free=30, longest=dt.timedelta(minutes=15))
ACCOUNT = Brake(free=50, longest=dt.timedelta(minutes=1))


@dataclass(frozen=True)
class Attempt:
    """A login under way: who, from where, and the stored hash to check (None: no usable account)."""

    email: str
    address: str
    password_hash: str | None

    @property
    def keys(self) -> dict[Brake, str]:
        return {PAIR: f"pair:{self.address}|{self.email}", ADDRESS: f"address:{self.address}",
                ACCOUNT: f"account:{self.email}"}


def refuse_if_braked(session: Session, attempt: Attempt) -> None:
    """Refuse (429) a try one of the brakes holds: a password, or a second-factor code (gateway.second_factor)."""
    now = utcnow()
    rows = session.scalars(select(Throttle).where(Throttle.key.in_(attempt.keys.values()))).all()
    waits = [row.blocked_until - now for row in rows
             if row.blocked_until is not None and row.blocked_until > now and now < row.window_start + WINDOW]
    if waits:
        raise throttles.too_many("Too many failed logins", max(waits))


def count_failure(session: Session, attempt: Attempt) -> None:
    """One more failure on every brake (a wrong password or a wrong code: guessing either is slowed alike)."""
    now = utcnow()
    for brake, key in attempt.keys.items():
        row = throttles.bump(session, key, WINDOW, now)
        delay = brake.delay(row.count)
        row.blocked_until = now + delay if delay else None


def clear_pair(session: Session, attempt: Attempt) -> None:
    """The owner got in from this address: their own earlier slips there no longer count."""
    session.execute(delete(Throttle).where(Throttle.key == attempt.keys[PAIR]))


def begin(session: Session, email: str, address: str) -> Attempt:
    """Refuse (429) a login one of the brakes holds; else what `check` needs."""
    attempt = Attempt(normalize_email(email), address, None)
    refuse_if_braked(session, attempt)
    user = session.scalars(select(User).where(User.email == attempt.email)).first()
    return Attempt(attempt.email, address, user.password_hash if user is not None and user.active else None)


def check(attempt: Attempt, password: str) -> bool:
    """Hash the password (outside any transaction); an unknown account costs as much as a known one."""
    if attempt.password_hash is None:
        passwords.verify_decoy(password)
        return False
    return passwords.verify(attempt.password_hash, password)


def finish(session: Session, attempt: Attempt, matched: bool, password: str) -> User | None:
    """Count a failure on every brake, or clear the account-from-this-address one; the user when it matched."""
    user = session.scalars(lock_for_update(select(User).where(User.email == attempt.email))).first()
    if not matched or user is None or not user.active or user.password_hash != attempt.password_hash:
        count_failure(session, attempt)
        return None
    clear_pair(session, attempt)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def signed_in(user: User) -> None:
    """The sign-in is complete (the password, and the second factor when one is needed): the account's
    "last sign-in" the owner sees."""
    user.last_login_at = utcnow()

