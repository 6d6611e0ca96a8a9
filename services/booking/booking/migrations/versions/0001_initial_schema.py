"""initial schema

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa
import servicekit.db

from servicekit.migrations import create_messaging_tables, drop_messaging_tables, is_postgres


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# No double booking, enforced by the database: two active (booked/confirmed) appointments of one therapist
# never overlap. PostgreSQL has exclusion constraints; SQLite gets triggers doing the same check.
_ACTIVE = "('booked', 'confirmed')"
_OVERLAP_MESSAGE = "appointment overlaps another for this therapist"
_SQLITE_OVERLAP_CHECK = f"""
    WHEN NEW.status IN {_ACTIVE}
    BEGIN
        SELECT RAISE(ABORT, '{_OVERLAP_MESSAGE}')
        WHERE EXISTS (
            SELECT 1 FROM appointments AS other
            WHERE other.therapist_id = NEW.therapist_id AND other.id != NEW.id
              AND other.status IN {_ACTIVE}
              AND other.start_at < NEW.end_at AND NEW.start_at < other.end_at);
    END"""


def _forbid_overlapping_appointments() -> None:
    if is_postgres():
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap EXCLUDE USING gist "
            f"(therapist_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&) WHERE (status IN {_ACTIVE})")
        return
    op.execute(f"CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments{_SQLITE_OVERLAP_CHECK}")
    op.execute("CREATE TRIGGER appointments_no_overlap_update "
               f"BEFORE UPDATE OF therapist_id, start_at, end_at, status ON appointments{_SQLITE_OVERLAP_CHECK}")


def _allow_overlapping_appointments() -> None:
    if is_postgres():
        op.execute("ALTER TABLE appointments DROP CONSTRAINT appointments_no_overlap")
        return
    op.execute("DROP TRIGGER appointments_no_overlap_insert")
    op.execute("DROP TRIGGER appointments_no_overlap_update")


def upgrade() -> None:
    create_messaging_tables()
    op.create_table('client_therapists',
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('therapist_id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=20), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('quotation_id', sa.String(length=36), nullable=True),
    sa.Column('assigned_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('client_id', 'therapist_id', 'service_code')
    )
    op.create_table('service_types',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('therapists',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('therapists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_therapists_name'), ['name'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=10), nullable=False),
    sa.Column('therapist_id', sa.String(length=36), nullable=False),
    sa.Column('start_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('client_first_name', sa.String(length=100), nullable=False),
    sa.Column('client_last_name', sa.String(length=100), nullable=False),
    sa.Column('client_birth_date', sa.Date(), nullable=True),
    sa.Column('guardian_first_name', sa.String(length=100), nullable=False),
    sa.Column('guardian_last_name', sa.String(length=100), nullable=False),
    sa.Column('guardian_email', sa.String(length=254), nullable=False),
    sa.Column('guardian_phone', sa.String(length=40), nullable=True),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_at > start_at', name='ck_appointments_order'),
    sa.ForeignKeyConstraint(['service_code'], ['service_types.code'], ),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointments_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_start_at'), ['start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_status'), ['status'], unique=False)
        batch_op.create_index('ix_appointments_therapist_start', ['therapist_id', 'start_at'], unique=False)
    _forbid_overlapping_appointments()

    op.create_table('therapist_services',
    sa.Column('therapist_id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['service_code'], ['service_types.code'], ),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], ),
    sa.PrimaryKeyConstraint('therapist_id', 'service_code')
    )
    op.create_table('working_hours',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('therapist_id', sa.String(length=36), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.CheckConstraint('start_time < end_time', name='ck_working_hours_order'),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name='ck_working_hours_weekday'),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('working_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_hours_therapist_id'), ['therapist_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('working_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_hours_therapist_id'))

    op.drop_table('working_hours')
    op.drop_table('therapist_services')
    _allow_overlapping_appointments()
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_therapist_start')
        batch_op.drop_index(batch_op.f('ix_appointments_status'))
        batch_op.drop_index(batch_op.f('ix_appointments_start_at'))
        batch_op.drop_index(batch_op.f('ix_appointments_client_id'))

    op.drop_table('appointments')
    with op.batch_alter_table('therapists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_therapists_name'))

    op.drop_table('therapists')
    op.drop_table('service_types')
    op.drop_table('client_therapists')
    drop_messaging_tables()
