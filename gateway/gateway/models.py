"""Gateway tables: user accounts, refresh tokens, portal invitations, login-failure counters, the centre and the
audit log."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.db import UTCDateTime, UUIDStr, new_id, utcnow
from servicekit.limits import PERSON_NAME


class Base(DeclarativeBase):
    pass


class User(Base):
    """A staff member or a portal (family) account."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(PERSON_NAME))
    role: Mapped[str] = mapped_column(String(20), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    therapist_id: Mapped[str | None] = mapped_column(UUIDStr())
    client_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    access_ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)  # gateway.revocations
    # Two-factor authentication (TOTP, RFC 6238): the shared secret (base32), set while enrolling and kept once
    # confirmed; the time step of the last code accepted, so that a code seen over a shoulder is not good twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)


class RefreshToken(Base):
    """One refresh token (only its SHA-256 is stored); rotation links it to its successor in one family."""

    __tablename__ = "refresh_tokens"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    replaced_by: Mapped[str | None] = mapped_column(UUIDStr())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where the login that started the family came from (copied to each successor), shown in "your sessions".
    address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class Invitation(Base):
    """A single-use, expiring link to set a password: a family's first one ("activate") or a forgotten one
    ("reset", staff and families)."""

    __tablename__ = "invitations"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    purpose: Mapped[str] = mapped_column(String(20), default="activate", server_default="activate")
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(Base):
    """A single-use code that stands in for the second factor when the phone is lost (only its SHA-256 kept)."""

    __tablename__ = "recovery_codes"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Throttle(Base):
    """A count under one key in the current window (gateway.throttles): failed logins, anonymous writes."""

    __tablename__ = "throttles"
    key: Mapped[str] = mapped_column(String(320), primary_key=True)  # "pair:<address>|<email>", "public-write:…"
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Center(Base):
    """The centre's details (one row): its identity, printed on documents and signed on messages.

    The time zone is not here: it stays a deployment setting (CENTER_TIMEZONE), see gateway.center.
    """

    __tablename__ = "center"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)  # +1 on every change; consumers keep only newer versions
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    registration_number: Mapped[str] = mapped_column(String(50), default="")
    vat_number: Mapped[str] = mapped_column(String(50), default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_type: Mapped[str | None] = mapped_column(String(20))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(UUIDStr())


class AuditEvent(Base):
    """One line of the audit log (gateway.audit): who did what, when, from where; never changed once written."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)  # "auth.login", "user.role_changed", …
    outcome: Mapped[str] = mapped_column(String(10))  # "success", "failure" (refused, wrong password…)
    status: Mapped[int | None] = mapped_column(SmallInteger)  # the HTTP status answered, when there was one
    actor_id: Mapped[str | None] = mapped_column(UUIDStr(), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    actor_email: Mapped[str | None] = mapped_column(String(254))  # also the address tried by a failed login
    subject_type: Mapped[str | None] = mapped_column(String(40))  # "user", "client", "invoice", …
    subject_id: Mapped[str | None] = mapped_column(String(64), index=True)
    address: Mapped[str | None] = mapped_column(String(45))  # the caller's IP (servicekit.addresses)
    request_id: Mapped[str | None] = mapped_column(String(64))  # the correlation id (X-Request-ID)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
