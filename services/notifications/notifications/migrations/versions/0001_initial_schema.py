"""initial schema

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa
import servicekit.db
from servicekit.migrations import create_messaging_tables, drop_messaging_tables


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables()
    op.create_table('notifications',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('correlation_id', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('appointment_id', sa.String(length=36), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'channel', 'recipient', name='uq_notification_event_channel_recipient')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_notifications_status_next_attempt', ['status', 'next_attempt_at'], unique=False)

    op.create_table('recipients',
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('client_name', sa.String(length=200), nullable=False),
    sa.Column('guardian_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('client_id')
    )


def downgrade() -> None:
    op.drop_table('recipients')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_status_next_attempt')
        batch_op.drop_index(batch_op.f('ix_notifications_kind'))
        batch_op.drop_index(batch_op.f('ix_notifications_created_at'))
        batch_op.drop_index(batch_op.f('ix_notifications_client_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_appointment_id'))

    op.drop_table('notifications')
    drop_messaging_tables()
