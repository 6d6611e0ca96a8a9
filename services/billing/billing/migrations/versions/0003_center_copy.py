"""center_copy: the centre's details as the gateway last published them (center.updated)

Revision ID: 0003
Revises: 0002
"""
from alembic import op

from servicekit.migrations import create_center_copy_table


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_center_copy_table()


def downgrade() -> None:
    op.drop_table('center_copy')
