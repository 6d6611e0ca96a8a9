"""scheduling: booking rules, rooms, time off, closures, series, history, wait list

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import servicekit.db

from servicekit.migrations import is_postgres


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# No overlap, enforced by the database, for a therapist, a room (when set) and a client (when known), among
# appointments that hold their slot, except rows a staff member booked with an explicit override reason.
# Buffers between sessions are enforced in code; these constraints cover the sessions themselves.
# PostgreSQL has exclusion constraints; SQLite gets triggers doing the same checks.
_ACTIVE = "('held', 'booked', 'confirmed', 'pending_cancel')"
_GUARDED = f"status IN {_ACTIVE} AND override_reason IS NULL"
# (constraint name, column, message); the messages let the code tell which overlap refused a row.
_OVERLAPS = (
    ("appointments_no_overlap", "therapist_id", "appointment overlaps another for this therapist"),
    ("appointments_no_room_overlap", "room_id", "appointment overlaps another in this room"),
    ("appointments_no_client_overlap", "client_id", "appointment overlaps another of this client"),
)
_TRIGGERS = ("appointments_no_overlap_insert", "appointments_no_overlap_update")


def _sqlite_check(column: str, message: str) -> str:
    return f"""
        SELECT RAISE(ABORT, '{message}')
        WHERE NEW.{column} IS NOT NULL AND EXISTS (
            SELECT 1 FROM appointments AS other
            WHERE other.{column} = NEW.{column} AND other.id != NEW.id
              AND other.status IN {_ACTIVE} AND other.override_reason IS NULL
              AND other.start_at < NEW.end_at AND NEW.start_at < other.end_at);"""


def _forbid_overlaps() -> None:
    if is_postgres():
        op.execute("ALTER TABLE appointments DROP CONSTRAINT IF EXISTS appointments_no_overlap")
        for name, column, _ in _OVERLAPS:
            op.execute(f"ALTER TABLE appointments ADD CONSTRAINT {name} EXCLUDE USING gist "
                       f"({column} WITH =, tstzrange(start_at, end_at, '[)') WITH &&) "
                       f"WHERE ({column} IS NOT NULL AND {_GUARDED})")
        return
    checks = "".join(_sqlite_check(column, message) for _, column, message in _OVERLAPS)
    body = f"\n    WHEN NEW.status IN {_ACTIVE} AND NEW.override_reason IS NULL\n    BEGIN{checks}\n    END"
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute(f"CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments{body}")
    op.execute("CREATE TRIGGER appointments_no_overlap_update BEFORE UPDATE OF therapist_id, room_id, client_id, "
               f"start_at, end_at, status, override_reason ON appointments{body}")


def _drop_overlap_guards() -> None:
    if is_postgres():
        for name, _, _ in _OVERLAPS:
            op.execute(f"ALTER TABLE appointments DROP CONSTRAINT IF EXISTS {name}")
        return
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def _restore_0001_guard() -> None:
    """The therapist-only guard of revision 0001 (on PostgreSQL it refuses while overridden overlaps are active)."""
    old_active = "('booked', 'confirmed')"
    if is_postgres():
        op.execute("ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap EXCLUDE USING gist "
                   f"(therapist_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&) WHERE (status IN {old_active})")
        return
    check = f"""
    WHEN NEW.status IN {old_active}
    BEGIN
        SELECT RAISE(ABORT, 'appointment overlaps another for this therapist')
        WHERE EXISTS (
            SELECT 1 FROM appointments AS other
            WHERE other.therapist_id = NEW.therapist_id AND other.id != NEW.id
              AND other.status IN {old_active}
              AND other.start_at < NEW.end_at AND NEW.start_at < other.end_at);
    END"""
    op.execute(f"CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments{check}")
    op.execute("CREATE TRIGGER appointments_no_overlap_update "
               f"BEFORE UPDATE OF therapist_id, start_at, end_at, status ON appointments{check}")


def upgrade() -> None:
    op.create_table('client_windows',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.CheckConstraint('start_time < end_time', name='ck_client_windows_order'),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name='ck_client_windows_weekday'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('client_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_windows_client_id'), ['client_id'], unique=False)

    op.create_table('closures',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('start_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_at > start_at', name='ck_closures_order'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closures_start_at'), ['start_at'], unique=False)

    op.create_table('rooms',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('room_type', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rooms_room_type'), ['room_type'], unique=False)

    op.create_table('appointment_series',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=10), nullable=False),
    sa.Column('therapist_id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('every_weeks', sa.SmallInteger(), nullable=False),
    sa.Column('count', sa.SmallInteger(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('local_time', sa.Time(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_code'], ['service_types.code'], ),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appointment_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_series_client_id'), ['client_id'], unique=False)

    op.create_table('time_off',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('therapist_id', sa.String(length=36), nullable=False),
    sa.Column('start_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_at > start_at', name='ck_time_off_order'),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('time_off', schema=None) as batch_op:
        batch_op.create_index('ix_time_off_therapist_start', ['therapist_id', 'start_at'], unique=False)

    with op.batch_alter_table('service_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buffer_before_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('buffer_after_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('min_notice_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('horizon_days', sa.Integer(), server_default='90', nullable=False))
        batch_op.add_column(sa.Column('granularity_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('late_cancel_hours', sa.Integer(), server_default='24', nullable=False))
        batch_op.add_column(sa.Column('room_type', sa.String(length=40), nullable=True))

    with op.batch_alter_table('therapists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token_hash', sa.String(length=64), nullable=True))

    # On SQLite this rebuilds the table, which drops its triggers: _forbid_overlaps recreates them.
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('series_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('buffer_before_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('buffer_after_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('override_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('override_by', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('override_by_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('late_cancellation', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('cancel_requested_at', servicekit.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status_before_cancel', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_appointments_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key('fk_appointments_series_id', 'appointment_series', ['series_id'], ['id'])
        batch_op.create_foreign_key('fk_appointments_room_id', 'rooms', ['room_id'], ['id'])

    _forbid_overlaps()

    op.create_table('waitlist_entries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=10), nullable=False),
    sa.Column('therapist_id', sa.String(length=36), nullable=True),
    sa.Column('client_id', sa.String(length=36), nullable=True),
    sa.Column('client_first_name', sa.String(length=100), nullable=False),
    sa.Column('client_last_name', sa.String(length=100), nullable=False),
    sa.Column('client_birth_date', sa.Date(), nullable=True),
    sa.Column('guardian_first_name', sa.String(length=100), nullable=False),
    sa.Column('guardian_last_name', sa.String(length=100), nullable=False),
    sa.Column('guardian_email', sa.String(length=254), nullable=False),
    sa.Column('guardian_phone', sa.String(length=40), nullable=True),
    sa.Column('windows', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('appointment_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_code'], ['service_types.code'], ),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entries_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_waitlist_entries_service_status', ['service_code', 'status', 'created_at'],
                              unique=False)

    op.create_table('waitlist_offers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('appointment_id', sa.String(length=36), nullable=True),
    sa.Column('therapist_id', sa.String(length=36), nullable=False),
    sa.Column('start_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hold_until', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entries.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('waitlist_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_offers_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index('ix_waitlist_offers_slot', ['therapist_id', 'start_at'], unique=False)
        batch_op.create_index('ix_waitlist_offers_status_hold', ['status', 'hold_until'], unique=False)

    op.create_table('appointment_history',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('appointment_id', sa.String(length=36), nullable=False),
    sa.Column('at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('old_start', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('new_start', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('old_therapist_id', sa.String(length=36), nullable=True),
    sa.Column('new_therapist_id', sa.String(length=36), nullable=True),
    sa.Column('actor', sa.String(length=10), nullable=False),
    sa.Column('actor_id', sa.String(length=36), nullable=True),
    sa.Column('actor_name', sa.String(length=120), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appointment_history', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_history_appointment', ['appointment_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appointment_history', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_history_appointment')

    op.drop_table('appointment_history')
    with op.batch_alter_table('waitlist_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_offers_status_hold')
        batch_op.drop_index('ix_waitlist_offers_slot')
        batch_op.drop_index(batch_op.f('ix_waitlist_offers_entry_id'))

    op.drop_table('waitlist_offers')
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_entries_service_status')
        batch_op.drop_index(batch_op.f('ix_waitlist_entries_client_id'))

    op.drop_table('waitlist_entries')
    _drop_overlap_guards()
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_appointments_room_id', type_='foreignkey')
        batch_op.drop_constraint('fk_appointments_series_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appointments_series_id'))
        batch_op.drop_index(batch_op.f('ix_appointments_room_id'))
        batch_op.drop_column('status_before_cancel')
        batch_op.drop_column('cancel_requested_at')
        batch_op.drop_column('late_cancellation')
        batch_op.drop_column('override_by_name')
        batch_op.drop_column('override_by')
        batch_op.drop_column('override_reason')
        batch_op.drop_column('buffer_after_minutes')
        batch_op.drop_column('buffer_before_minutes')
        batch_op.drop_column('series_id')
        batch_op.drop_column('room_id')

    _restore_0001_guard()
    # Native DROP COLUMN: rebuilding a table other rows reference would fail SQLite's foreign-key check.
    with op.batch_alter_table('therapists', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('calendar_token_hash')

    # Native DROP COLUMN: rebuilding a table other rows reference would fail SQLite's foreign-key check.
    with op.batch_alter_table('service_types', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('room_type')
        batch_op.drop_column('late_cancel_hours')
        batch_op.drop_column('granularity_minutes')
        batch_op.drop_column('horizon_days')
        batch_op.drop_column('min_notice_minutes')
        batch_op.drop_column('buffer_after_minutes')
        batch_op.drop_column('buffer_before_minutes')

    with op.batch_alter_table('time_off', schema=None) as batch_op:
        batch_op.drop_index('ix_time_off_therapist_start')

    op.drop_table('time_off')
    with op.batch_alter_table('appointment_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_series_client_id'))

    op.drop_table('appointment_series')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rooms_room_type'))

    op.drop_table('rooms')
    with op.batch_alter_table('closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closures_start_at'))

    op.drop_table('closures')
    with op.batch_alter_table('client_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_windows_client_id'))

    op.drop_table('client_windows')
