"""Argon2id password hashes (argon2-cffi's defaults, which follow the RFC 9106 recommendations).

Each hash costs tens of milliseconds of a core and 64 MiB, by design. Sixteen anonymous logins at once took
every core of a small server and made signed-in people wait 200 times longer (security review, finding 6), so
a process hashes at most LOGIN_CONCURRENCY passwords at a time; a login that cannot get a turn within
HASH_WAIT_SECONDS is answered 503 with Retry-After instead of queueing without end.
"""
from __future__ import annotations

import contextlib
import functools
import threading
from typing import Iterator

from argon2 import PasswordHasher
from zxcvbn import zxcvbn
from argon2.exceptions import InvalidHashError, VerificationError

from servicekit.config import env_float, env_int
from servicekit.errors import ServiceUnavailable

MIN_LENGTH = 10
MAX_LENGTH = 1024  # bounds the hashing work one request can ask for
HASH_WAIT_SECONDS = env_float("LOGIN_HASH_WAIT_SECONDS", 3.0)

_hasher = PasswordHasher()
_turns = threading.BoundedSemaphore(max(1, env_int("LOGIN_CONCURRENCY", 1)))


@contextlib.contextmanager
def _turn() -> Iterator[None]:
    """One of this process's hashing turns (bounded CPU for password work, whoever asks)."""
    if not _turns.acquire(timeout=HASH_WAIT_SECONDS):
        raise ServiceUnavailable("Too many sign-ins at this moment; try again in a few seconds.",
                                 headers={"Retry-After": "2"})
    try:
        yield
    finally:
        _turns.release()


def hash_password(password: str) -> str:
    """A new Argon2id hash of `password`."""
    with _turn():
        return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    """True when `password` matches the stored hash."""
    with _turn():
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


@functools.cache
def _decoy_hash() -> str:
    return hash_password("no account has this password")


def verify_decoy(password: str) -> None:
    """Do the work of a real check, so an unknown e-mail answers as slowly as a wrong password."""
    verify(_decoy_hash(), password)


def too_guessable(password: str, hints: tuple[str, ...] = ()) -> str | None:
    """Why `password` is too easy to guess (None if it is not): too short, a placeholder from our examples
    ("change-me…"), or a zxcvbn score under 3 (guessable with 10^8 tries or fewer; `hints` — the account's
    e-mail, the centre's name — count as known words)."""
    if len(password) < MIN_LENGTH:
        return f"it must have at least {MIN_LENGTH} characters"
    if "change-me" in password.lower().replace("_", "-").replace(" ", "-"):
        return "it is the placeholder of the example configuration"
    verdict = zxcvbn(password[:100], user_inputs=[h for h in hints if h])  # zxcvbn's cost grows with length
    if verdict["score"] < 3:
        return "it is too easy to guess" + (f" ({verdict['feedback']['warning']})"
                                            if verdict["feedback"]["warning"] else "")
    return None
