"""Argon2id password hashes (argon2-cffi's defaults, which follow the RFC 9106 recommendations)."""
from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # bounds the hashing work one request can ask for

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """A new Argon2id hash of `password`."""
    return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    """True when `password` matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


@functools.cache
def _decoy_hash() -> str:
    return _hasher.hash("no account has this password")


def verify_decoy(password: str) -> None:
    """Do the work of a real check, so an unknown e-mail answers as slowly as a wrong password."""
    verify(_decoy_hash(), password)
