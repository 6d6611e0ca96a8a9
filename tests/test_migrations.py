"""Every service's migrations run up, down and up again on SQLite (the local default) and on PostgreSQL."""
from __future__ import annotations

import importlib

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from servicekit.migrations import alembic_config

SERVICES = ["booking", "crm", "sales", "tasks", "billing", "notifications", "gateway"]


def spec_of(name: str):
    return importlib.import_module(f"{name}.service").SPEC


@pytest.mark.parametrize("name", SERVICES)
def test_migrations_round_trip_on_sqlite(tmp_path, name):
    spec = spec_of(name)
    url = f"sqlite:///{tmp_path / (name + '.db')}"
    cfg = alembic_config(spec.package_dir, url)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    command.upgrade(cfg, "head")
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"outbox", "inbox", "idempotency_keys"} <= tables


@pytest.mark.parametrize("name", SERVICES)
def test_migrations_round_trip_on_postgresql(database_factory, name):
    spec = spec_of(name)
    url = database_factory(f"mig_{name}")
    cfg = alembic_config(spec.package_dir, url)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    command.upgrade(cfg, "head")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    assert {"outbox", "inbox", "idempotency_keys"} <= set(inspect(engine).get_table_names())
    engine.dispose()


@pytest.mark.parametrize("name", SERVICES)
def test_migrations_at_head_match_the_models(database_factory, name):
    """A model change without its migration (or the reverse) shows up here, not in production."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from servicekit.messaging.tables import messaging_metadata

    spec = spec_of(name)
    url = database_factory(f"cmp_{name}")
    command.upgrade(alembic_config(spec.package_dir, url), "head")
    models = importlib.import_module(f"{name}.models").Base.metadata
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), [models, messaging_metadata])
    engine.dispose()
    assert diff == []
