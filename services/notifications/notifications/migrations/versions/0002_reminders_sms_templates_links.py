"""reminders sms templates links

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import servicekit.db

from notifications.default_templates import DEFAULTS


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('appointments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('start_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('service_name', sa.String(length=200), nullable=False),
    sa.Column('therapist_name', sa.String(length=200), nullable=False),
    sa.Column('client_name', sa.String(length=200), nullable=False),
    sa.Column('guardian_name', sa.String(length=200), nullable=False),
    sa.Column('guardian_email', sa.String(length=254), nullable=True),
    sa.Column('guardian_phone', sa.String(length=40), nullable=True),
    sa.Column('as_of', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointments_client_id'), ['client_id'], unique=False)

    op.create_table('message_templates',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sms_text', sa.Text(), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kind')
    )
    # Every kind starts with the default text; an administrator edits it through the API.
    op.bulk_insert(sa.table('message_templates', sa.column('kind'), sa.column('subject'), sa.column('body'),
                            sa.column('sms_text'), sa.column('updated_at', servicekit.db.UTCDateTime())),
                   [{"kind": kind, "subject": subject, "body": body, "sms_text": sms_text,
                     "updated_at": servicekit.db.utcnow()} for kind, (subject, body, sms_text) in DEFAULTS.items()])
    op.create_table('opt_outs',
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('address')
    )
    op.create_table('reminder_settings',
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('lead_hours', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('opt_out', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('client_id')
    )
    op.create_table('reminders',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('appointment_id', sa.String(length=36), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('due_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('start_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lead_hours', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('correlation_id', sa.String(length=64), nullable=True),
    sa.Column('fired_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index('ix_reminders_status_due', ['status', 'due_at'], unique=False)

    op.create_table('service_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('shared_documents',
    sa.Column('doc_type', sa.String(length=20), nullable=False),
    sa.Column('doc_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('access_token', sa.String(length=200), nullable=False),
    sa.Column('recipient_email', sa.String(length=254), nullable=True),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('doc_type', 'doc_id')
    )
    op.create_table('used_links',
    sa.Column('token_id', sa.String(length=32), nullable=False),
    sa.Column('appointment_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('used_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token_id')
    )
    with op.batch_alter_table('used_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_links_appointment_id'), ['appointment_id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_answer', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('attachment_ref', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('fallback_to', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('fallback_of', sa.String(length=36), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('fallback_of')
        batch_op.drop_column('fallback_to')
        batch_op.drop_column('context')
        batch_op.drop_column('attachment_name')
        batch_op.drop_column('attachment_ref')
        batch_op.drop_column('provider_answer')

    with op.batch_alter_table('used_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_links_appointment_id'))

    op.drop_table('used_links')
    op.drop_table('shared_documents')
    op.drop_table('service_settings')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_status_due')
        batch_op.drop_index(batch_op.f('ix_reminders_appointment_id'))

    op.drop_table('reminders')
    op.drop_table('reminder_settings')
    op.drop_table('opt_outs')
    op.drop_table('message_templates')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointments_client_id'))

    op.drop_table('appointments')
