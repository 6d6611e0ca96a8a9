"""users.access_ended_at: access tokens signed before it are refused (logout, new password, role, deactivation)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import servicekit.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_ended_at', servicekit.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_access_ended_at'), ['access_ended_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_access_ended_at'))
        batch_op.drop_column('access_ended_at')
