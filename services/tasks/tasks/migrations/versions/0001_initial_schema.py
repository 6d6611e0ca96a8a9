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
    op.create_table('projects',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('service_code')
    )
    op.create_table('tasks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('project_id', sa.String(length=36), nullable=False),
    sa.Column('quotation_id', sa.String(length=36), nullable=False),
    sa.Column('quotation_line_id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('client_name', sa.String(length=255), nullable=False),
    sa.Column('service_code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('therapist_id', sa.String(length=36), nullable=True),
    sa.Column('assigned_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('single', 'package')", name='ck_task_kind'),
    sa.CheckConstraint("status IN ('new', 'in_progress', 'completed', 'needs_follow_up', 'cancelled')", name='ck_task_status'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('quotation_id', 'quotation_line_id', name='uq_task_quotation_line')
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_quotation_id'), ['quotation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_therapist_id'), ['therapist_id'], unique=False)

    op.create_table('status_changes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.Column('changed_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_changes_task_id'), ['task_id'], unique=False)

    op.create_table('timesheets',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('therapist_id', sa.String(length=36), nullable=False),
    sa.Column('logged_by', sa.String(length=64), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('work_date', sa.Date(), nullable=False),
    sa.Column('logged_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes BETWEEN 1 AND 720', name='ck_timesheet_minutes'),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('timesheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timesheets_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_timesheets_therapist_id'), ['therapist_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('timesheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timesheets_therapist_id'))
        batch_op.drop_index(batch_op.f('ix_timesheets_task_id'))

    op.drop_table('timesheets')
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_changes_task_id'))

    op.drop_table('status_changes')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_therapist_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_status'))
        batch_op.drop_index(batch_op.f('ix_tasks_quotation_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_project_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_client_id'))

    op.drop_table('tasks')
    op.drop_table('projects')
    drop_messaging_tables()
