"""throttles: counts per key and window — failed logins (per account-and-address, address, account), anonymous
writes per address. Replaces login_failures (per e-mail only: ten wrong passwords locked the owner out).

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
import servicekit.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('throttles',
    sa.Column('key', sa.String(length=320), nullable=False),
    sa.Column('window_start', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('blocked_until', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    op.drop_table('login_failures')


def downgrade() -> None:
    op.create_table('login_failures',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('window_start', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('email')
    )
    op.drop_table('throttles')
