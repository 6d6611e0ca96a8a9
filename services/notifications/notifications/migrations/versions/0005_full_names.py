"""names as long as the API accepts them: 100 + 1 + 100 characters (servicekit.limits; literal: history)

A name of 100 + 100 characters, accepted upstream, overflowed these copies on PostgreSQL and dead-lettered the
event that carried it (security review, finding 3).

Revision ID: 0005
Revises: 0004
"""
from servicekit.migrations import set_length


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    set_length('recipients', 'client_name', 201, nullable=False)
    set_length('recipients', 'guardian_name', 201, nullable=False)
    set_length('appointments', 'client_name', 201, nullable=False)
    set_length('appointments', 'guardian_name', 201, nullable=False)
    set_length('shared_documents', 'recipient_name', 201, nullable=False)
    set_length('notifications', 'recipient_name', 201, nullable=False)


def downgrade() -> None:  # fails if a longer name was stored meanwhile: shorten it first
    set_length('recipients', 'client_name', 200, nullable=False)
    set_length('recipients', 'guardian_name', 200, nullable=False)
    set_length('appointments', 'client_name', 200, nullable=False)
    set_length('appointments', 'guardian_name', 200, nullable=False)
    set_length('shared_documents', 'recipient_name', 200, nullable=False)
    set_length('notifications', 'recipient_name', 200, nullable=False)
