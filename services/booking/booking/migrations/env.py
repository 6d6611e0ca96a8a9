"""Alembic environment: the shared runner, with the booking tables as the target."""
from servicekit.migrations import run_env

from booking.models import Base

run_env(Base.metadata)
