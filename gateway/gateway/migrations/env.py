"""Alembic environment: the shared runner, with the gateway's tables as the target."""
from servicekit.migrations import run_env

from gateway.models import Base

run_env(Base.metadata)
