"""Signed links in messages: one-click confirm / cancel of one appointment, and unsubscribe of one address.

A token is base64url(payload + HMAC-SHA256(payload)[:16]). The payload is packed binary so that the links
stay short enough for an SMS. The secret is NOTIFY_LINK_SECRET, or else one generated once and kept in the
database, so every notifications process (web, dispatcher) signs and checks with the same key.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import secrets
import struct
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from servicekit.errors import Forbidden

from notifications.config import NotificationsSettings
from notifications.models import ServiceSetting

SECRET_KEY = "link_secret"
MAC_BYTES = 16
ACTIONS = {b"c": "confirm", b"x": "cancel"}
CHANNEL_CODES = {b"e": "email", b"s": "sms"}
_REMINDER = struct.Struct(">c16scc I6s")  # kind, appointment uuid, action, channel, expiry, token id
TAMPERED = "This link is not valid. Please use the link from the most recent message, or contact the center."


@dataclass(frozen=True)
class ReminderClaims:
    appointment_id: str
    action: str
    channel: str
    expires_at: dt.datetime
    token_id: str


def secret(session: Session, settings: NotificationsSettings) -> bytes:
    """The signing key: NOTIFY_LINK_SECRET, else the one stored in the database (created on first use)."""
    if settings.notify_link_secret:
        return settings.notify_link_secret.encode("utf-8")
    row = session.get(ServiceSetting, SECRET_KEY)
    if row is None:
        try:
            with session.begin_nested():
                row = ServiceSetting(key=SECRET_KEY, value=secrets.token_urlsafe(48))
                session.add(row)
        except IntegrityError:  # another process created it first: use theirs
            row = session.get(ServiceSetting, SECRET_KEY, populate_existing=True)
    return row.value.encode("utf-8")


def _seal(key: bytes, payload: bytes) -> str:
    mac = hmac.new(key, payload, hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(payload + mac).rstrip(b"=").decode("ascii")


def _open(key: bytes, token: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise Forbidden(TAMPERED) from exc
    payload, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
    expected = hmac.new(key, payload, hashlib.sha256).digest()[:MAC_BYTES]
    if len(raw) <= MAC_BYTES or not hmac.compare_digest(mac, expected):
        raise Forbidden(TAMPERED)
    return payload


def reminder_token(key: bytes, appointment_id: str, action: str, channel: str, expires_at: dt.datetime) -> str:
    """A single-appointment confirm or cancel token, valid until `expires_at` (by default the start)."""
    action_code = next(code for code, name in ACTIONS.items() if name == action)
    channel_code = next(code for code, name in CHANNEL_CODES.items() if name == channel)
    payload = _REMINDER.pack(b"R", uuid.UUID(appointment_id).bytes, action_code, channel_code,
                             int(expires_at.timestamp()), secrets.token_bytes(6))
    return _seal(key, payload)


def read_reminder(key: bytes, token: str) -> ReminderClaims:
    """The claims of a genuine confirm / cancel token (expiry is the caller's to check); 403 if tampered."""
    payload = _open(key, token)
    if len(payload) != _REMINDER.size or payload[:1] != b"R":
        raise Forbidden(TAMPERED)
    _, appointment, action, channel, expires, token_id = _REMINDER.unpack(payload)
    if action not in ACTIONS or channel not in CHANNEL_CODES:
        raise Forbidden(TAMPERED)
    return ReminderClaims(str(uuid.UUID(bytes=appointment)), ACTIONS[action], CHANNEL_CODES[channel],
                          dt.datetime.fromtimestamp(expires, dt.timezone.utc), token_id.hex())


def unsubscribe_token(key: bytes, address: str) -> str:
    """A token that opts `address` out of reminders and notices (it does not expire)."""
    return _seal(key, b"U" + address.strip().lower().encode("utf-8"))


def read_unsubscribe(key: bytes, token: str) -> str:
    """The address of a genuine unsubscribe token; 403 if tampered."""
    payload = _open(key, token)
    if payload[:1] != b"U" or len(payload) < 4:
        raise Forbidden(TAMPERED)
    return payload[1:].decode("utf-8", errors="replace")


def reminder_urls(key: bytes, base_url: str, appointment_id: str, channel: str,
                  expires_at: dt.datetime) -> dict[str, str]:
    """confirm_url and cancel_url of one appointment for a message on `channel`."""
    return {f"{action}_url": f"{base_url}/r/{reminder_token(key, appointment_id, action, channel, expires_at)}"
            for action in ("confirm", "cancel")}


def unsubscribe_url(key: bytes, base_url: str, address: str) -> str:
    """The unsubscribe link put in every e-mail to `address`."""
    return f"{base_url}/r/unsubscribe/{unsubscribe_token(key, address)}"
