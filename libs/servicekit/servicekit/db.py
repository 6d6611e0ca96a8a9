"""Engine and session handling shared by the services (SQLite locally, PostgreSQL in tests and production)."""
from __future__ import annotations

import datetime as dt
import uuid
from contextlib import contextmanager
from typing import Any, Iterator

from flask import g, has_app_context
from sqlalchemy import String, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import DateTime, TypeDecorator


# The database being away (refused, dropped, pool exhausted, SQLite locked): worth waiting out, not a bug.
DB_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored in UTC on every backend (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.timezone.utc)
        # SQLite compares the stored text: keep one canonical, offset-free UTC form.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


LIKE_ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """A LIKE pattern for `text` anywhere, `%` and `_` taken literally: use with `.like(p, escape=LIKE_ESCAPE)`.
    Unescaped, a search for "100%" or "a_b" matches what the person did not type."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def UUIDStr(**kwargs: Any):  # noqa: N802 - reads like a column type
    """UUIDs as 36-character strings: portable, readable in SQLite, indexable everywhere."""
    return String(36, **kwargs)


def make_engine(url: str, *, pool_size: int = 5, connect_timeout: int = 3) -> Engine:
    """An engine tuned for the backend: WAL + busy timeout on SQLite, pre-ping + timeouts on PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy own transactions so BEGIN IMMEDIATE below takes the write lock up front.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # Writers serialise at BEGIN instead of failing mid-transaction with "database is locked".
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=5,
        pool_recycle=1800,
        connect_args={"connect_timeout": connect_timeout},
    )


class Database:
    """One engine and session factory per process, created after fork (never at import time)."""

    def __init__(self, url: str, service: str, *, pool_size: int = 5, connect_timeout: int = 3) -> None:
        self.url = url
        self.service = service
        self.engine = make_engine(url, pool_size=pool_size, connect_timeout=connect_timeout)
        self._factory = sessionmaker(self.engine, expire_on_commit=False, info={"service": service})

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def session(self) -> Session:
        return self._factory()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A fresh session whose work commits on success and rolls back on any error."""
        session = self._factory()
        try:
            with committing(session):
                yield session
        finally:
            session.close()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


# --- request-scoped session for the Flask app -------------------------------------------------

def request_session() -> Session:
    """The session of the current request (opened lazily, closed at teardown)."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["servicekit.db"].session()
    return g.db_session


@contextmanager
def committing(session: Session) -> Iterator[Session]:
    """Commit the session's work on success; roll it back on any error."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """The request's session inside a transaction: commit on success, roll back on error.

    Inside an idempotent request (servicekit.idempotency) it only flushes: the key, the effect and the
    stored response then commit together.
    """
    session = request_session()
    if not g.get("idempotent_request"):
        with committing(session):
            yield session
        return
    try:
        yield session
        session.flush()
    except BaseException:
        session.rollback()
        raise


def close_request_session(_exc: BaseException | None = None) -> None:
    if has_app_context():
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def lock_for_update(stmt: Any) -> Any:
    """`SELECT ... FOR UPDATE` where the backend has it (SQLite serialises writers already)."""
    return stmt.with_for_update()
