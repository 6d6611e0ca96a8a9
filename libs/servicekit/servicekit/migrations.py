"""Alembic glue shared by every service: one env.py body, portable on SQLite and PostgreSQL."""
from __future__ import annotations

from pathlib import Path

from alembic import command, context, op
from alembic.config import Config
import sqlalchemy as sa
from sqlalchemy import MetaData

from servicekit.db import UTCDateTime, make_engine
from servicekit.messaging.tables import messaging_metadata


def alembic_config(package_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(package_dir / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(package_dir: Path, url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (the service's migrations live in <package>/migrations)."""
    command.upgrade(alembic_config(package_dir, url), revision)


def run_env(target_metadata: MetaData, *, messaging: bool = True) -> None:
    """The body of every service's migrations/env.py (`messaging=False`: no outbox or inbox, e.g. web)."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("run migrations with `python -m <service>.entrypoints.migrate`")
    metadata = [target_metadata, messaging_metadata] if messaging else [target_metadata]
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        # SQLite cannot ALTER most things in place: batch mode rebuilds tables instead.
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_messaging_tables() -> None:
    """Outbox, inbox and idempotency keys as they were first released; call from a service's first migration.

    Written out (not `metadata.create_all`) so the history stays fixed: a later change to these tables
    becomes another function here, called from each service's next migration.
    """
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key"),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("processed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "message_id"),
    )
    op.create_table(
        "outbox",
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index("ix_outbox_unpublished", "outbox", ["position"], unique=False,
                    postgresql_where=sa.text("published_at IS NULL"), sqlite_where=sa.text("published_at IS NULL"))


def drop_messaging_tables() -> None:
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("inbox")
    op.drop_table("idempotency_keys")


def is_postgres() -> bool:
    """For the few DDL statements only PostgreSQL has (exclusion constraints); SQLite gets triggers."""
    return op.get_bind().dialect.name == "postgresql"


def set_length(table: str, column: str, length: int, *, nullable: bool) -> None:
    """Give a VARCHAR column a new length. PostgreSQL only: SQLite enforces no length, nothing to change there."""
    if is_postgres():
        op.alter_column(table, column, type_=sa.String(length), existing_nullable=nullable)


def new_revision(package_dir: Path, message: str, rev_id: str | None = None) -> None:
    """Autogenerate the next migration by diffing the models against a scratch SQLite at head."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        cfg = alembic_config(package_dir, f"sqlite:///{scratch}/scratch.db")
        command.upgrade(cfg, "head")
        command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)


def create_center_copy_table() -> None:
    """The `center_copy` table (servicekit.center) as first released; for services consuming `center.updated`."""
    op.create_table(
        "center_copy",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=20), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
