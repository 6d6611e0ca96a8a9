"""Alembic environment: the shared runner, with the tasks tables as the target."""
from servicekit.migrations import run_env

from tasks.models import Base

run_env(Base.metadata)
