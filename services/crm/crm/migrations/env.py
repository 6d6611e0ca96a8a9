"""Alembic environment: the shared runner, with the CRM's tables as the target."""
from servicekit.migrations import run_env

from crm.models import Base

run_env(Base.metadata)
