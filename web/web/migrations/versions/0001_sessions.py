"""web_sessions: server-side sessions

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa
import servicekit.db


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_sessions',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('user_id', sa.String(length=36), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('role', sa.String(length=20), nullable=True),
        sa.Column('access_token', sa.Text(), nullable=True),
        sa.Column('access_expires_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('refresh_token', sa.Text(), nullable=True),
        sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_web_sessions_user_id', 'web_sessions', ['user_id'])
    op.create_index('ix_web_sessions_last_seen_at', 'web_sessions', ['last_seen_at'])


def downgrade() -> None:
    op.drop_index('ix_web_sessions_last_seen_at', table_name='web_sessions')
    op.drop_index('ix_web_sessions_user_id', table_name='web_sessions')
    op.drop_table('web_sessions')
