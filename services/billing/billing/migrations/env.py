"""Alembic environment: the shared runner, with the billing service's tables as the target."""
from servicekit.migrations import run_env

from billing.models import Base

run_env(Base.metadata)
