"""names as long as the API accepts them: 100 + 1 + 100 characters (servicekit.limits; literal: history)

A name of 100 + 100 characters, accepted upstream, overflowed these copies on PostgreSQL and dead-lettered the
event that carried it (security review, finding 3).

Revision ID: 0003
Revises: 0002
"""
from servicekit.migrations import set_length


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    set_length('appointments', 'override_by_name', 201, nullable=True)
    set_length('appointment_history', 'actor_name', 201, nullable=True)


def downgrade() -> None:  # fails if a longer name was stored meanwhile: shorten it first
    set_length('appointments', 'override_by_name', 120, nullable=True)
    set_length('appointment_history', 'actor_name', 120, nullable=True)
