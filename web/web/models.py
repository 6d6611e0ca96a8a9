"""web's own database: server-side sessions (the browser holds only a random id; tokens stay here)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.db import UTCDateTime, utcnow


class Base(DeclarativeBase):
    pass


class WebSession(Base):
    """One browser's session: anonymous (CSRF token, language) until sign-in, then the user and their tokens."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's value, never the value
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # Flask's `session`: CSRF secret, flashes, language
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))
    access_token: Mapped[str | None] = mapped_column(Text)
    access_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
