"""Alembic environment: the shared runner, with the notification tables as the target."""
from servicekit.migrations import run_env

from notifications.models import Base

run_env(Base.metadata)
