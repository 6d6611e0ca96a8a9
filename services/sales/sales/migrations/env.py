"""Alembic environment: the shared runner, with the sales tables as the target."""
from servicekit.migrations import run_env

from sales.models import Base

run_env(Base.metadata)
