"""Alembic environment: the shared runner, with web's tables as the target (web has no outbox or inbox)."""
from servicekit.migrations import run_env

from web.models import Base

run_env(Base.metadata, messaging=False)
