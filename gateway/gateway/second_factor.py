"""Two-factor sign-in: a time-based code from an authenticator app (TOTP, RFC 6238, with pyotp), or a recovery code.

- Enrolment: `start` keeps a new secret (not yet in force) and answers it as an otpauth:// URI (the QR code) and
  as text (typed by hand); `confirm` checks a first code, puts it in force and answers ten recovery codes, once.
- A code is good once: the time step of the last accepted code is kept and a step at or before it is refused
  (a code read over a shoulder cannot be replayed), with one step (30 s) of drift either way.
- A recovery code (only its SHA-256 is kept) stands in for a code when the phone is lost, and is used up.
- Wrong codes count on the same brakes as wrong passwords (gateway.signin), by the caller's address.
- Roles in TWO_FACTOR_REQUIRED_ROLES must have it; they cannot turn it off themselves (an owner resets it).
"""
from __future__ import annotations

import hmac
import re
import secrets
from typing import Any

import pyotp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from servicekit.db import utcnow
from servicekit.errors import Conflict, field_error

from gateway import passwords, signin, tokens
from gateway.config import GatewaySettings
from gateway.models import RecoveryCode, User

ISSUER = "Therapy center"  # the label authenticator apps show next to the account (the centre's name is added)
RECOVERY_CODES = 10
_TOTP_CODE = re.compile(r"^\d{6}$")
WRONG_CODE = "This code is not right (or was already used); try the next one."


def enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def required(user: User, settings: GatewaySettings) -> bool:
    """The user's role must sign in with a second factor."""
    return user.role in settings.two_factor_required_roles


def needed_at_sign_in(user: User, settings: GatewaySettings) -> str | None:
    """What a right password is not enough for: "code" (give one), "enrol" (set one up first) or None."""
    if enabled(user):
        return "code"
    return "enrol" if required(user, settings) else None


def status(session: Session, user: User, settings: GatewaySettings) -> dict[str, Any]:
    """Whether it is on, since when, whether the role requires it and how many recovery codes are left."""
    left = session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) if enabled(user) else 0
    return {"enabled": enabled(user), "enabled_at": user.totp_enabled_at, "required": required(user, settings),
            "recovery_codes_left": left or 0}


def start(user: User, center_name: str) -> dict[str, str]:
    """A new secret for the user's authenticator app (in force only once confirmed)."""
    if enabled(user):
        raise Conflict("Two-factor sign-in is already on; turn it off first to move it to another phone.")
    user.totp_secret = pyotp.random_base32()
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=center_name or ISSUER)
    return {"secret": user.totp_secret, "otpauth_uri": uri}


def confirm(session: Session, user: User, code: str) -> list[str]:
    """Put the started secret in force with a first code from the app; the recovery codes, shown once."""
    if enabled(user):
        raise Conflict("Two-factor sign-in is already on.")
    if not user.totp_secret:
        raise Conflict("Start setting up two-factor sign-in first.")
    if _totp_step(user, code) is None:
        raise field_error("code", WRONG_CODE)
    user.totp_enabled_at = utcnow()
    return new_recovery_codes(session, user)


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten fresh recovery codes (the earlier ones stop working); only their SHA-256 is kept."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=tokens.digest(_normal(c))) for c in codes)
    return codes


def _recovery_code() -> str:
    """'k7m2q-9xd4w': ten characters of an alphabet without look-alikes, in two groups (50 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normal(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def _totp_step(user: User, code: str) -> int | None:
    """The time step a 6-digit code matches (now, or one step either side) and that is newer than the last one
    used; it becomes the last one used. None when it matches none."""
    code = re.sub(r"\s", "", code)
    if not user.totp_secret or not _TOTP_CODE.match(code):
        return None
    totp = pyotp.TOTP(user.totp_secret)
    now = utcnow()
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        step = current + offset
        if step <= (user.totp_last_step or -1):
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return step
    return None


def _use_recovery_code(session: Session, user: User, code: str) -> bool:
    row = session.scalars(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == tokens.digest(_normal(code)),
        RecoveryCode.used_at.is_(None)).with_for_update()).first()
    if row is None:
        return False
    row.used_at = utcnow()
    return True


def check(session: Session, user: User, code: str) -> bool:
    """A code from the app or an unused recovery code (used up); the caller's user row is locked."""
    if not enabled(user):
        return False
    return _totp_step(user, code) is not None or _use_recovery_code(session, user, code)


def check_braked(session: Session, user: User, code: str, address: str) -> bool:
    """`check`, refused (429) while the sign-in brakes hold this account and address; a wrong code counts on them."""
    attempt = signin.Attempt(user.email, address, None)
    signin.refuse_if_braked(session, attempt)
    if check(session, user, code):
        signin.clear_pair(session, attempt)
        return True
    signin.count_failure(session, attempt)
    return False


WRONG_PASSWORD = "This is not your current password."


def turn_off(session: Session, user: User, password: str, code: str, address: str,
             settings: GatewaySettings) -> str | None:
    """Turn it off with the password and a current (or recovery) code; else the field that was wrong ("password" or
    "code"), counted on the sign-in brakes like any wrong password or code (a stolen session guesses neither)."""
    if required(user, settings):
        raise Conflict("Your role requires two-factor sign-in. For a new phone, ask an owner to reset it: you "
                       "then set it up again when you next sign in.")
    if not enabled(user):
        raise Conflict("Two-factor sign-in is not on.")
    attempt = signin.Attempt(user.email, address, None)
    signin.refuse_if_braked(session, attempt)
    if user.password_hash is None or not passwords.verify(user.password_hash, password):
        signin.count_failure(session, attempt)
        return "password"
    if not check_braked(session, user, code, address):
        return "code"
    clear(session, user)
    return None


def clear(session: Session, user: User) -> None:
    """No second factor any more (turned off, or reset by an owner for a lost phone)."""
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = None, None, None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
