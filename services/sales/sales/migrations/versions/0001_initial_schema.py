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
    op.create_table('client_refs',
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('guardian_name', sa.String(length=201), nullable=True),
    sa.Column('guardian_email', sa.String(length=254), nullable=True),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('client_id')
    )
    op.create_table('opportunity_refs',
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=20), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('changed_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('opportunity_id')
    )
    with op.batch_alter_table('opportunity_refs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opportunity_refs_client_id'), ['client_id'], unique=False)

    op.create_table('price_items',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=20), nullable=False),
    sa.Column('service_name', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('single', 'package')", name='ck_price_items_kind'),
    sa.CheckConstraint("sessions >= 1 AND (kind = 'package' OR sessions = 1)", name='ck_price_items_sessions'),
    sa.CheckConstraint('unit_price_minor >= 0', name='ck_price_items_unit_price'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('price_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_items_service_code'), ['service_code'], unique=False)
        batch_op.create_index('uq_price_items_active_single', ['service_code'], unique=True, postgresql_where=sa.text("kind = 'single' AND active"), sqlite_where=sa.text("kind = 'single' AND active"))

    op.create_table('quotation_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('quotations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('client_name', sa.String(length=201), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_minor', sa.Integer(), nullable=False),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('sent_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recipient_name', sa.String(length=201), nullable=True),
    sa.Column('recipient_email', sa.String(length=254), nullable=True),
    sa.Column('share_token_hash', sa.String(length=64), nullable=True),
    sa.Column('document_pdf', sa.LargeBinary(), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('signer_name', sa.String(length=200), nullable=True),
    sa.Column('signature', sa.Text(), nullable=True),
    sa.Column('signed_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signer_ip', sa.String(length=45), nullable=True),
    sa.Column('signer_user_agent', sa.String(length=500), nullable=True),
    sa.Column('signed_document_sha256', sa.String(length=64), nullable=True),
    sa.Column('declined_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'sent', 'signed', 'declined')", name='ck_quotations_status'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number', name='uq_quotations_number'),
    sa.UniqueConstraint('share_token_hash', name='uq_quotations_share_token_hash')
    )
    with op.batch_alter_table('quotations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotations_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotations_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotations_status'), ['status'], unique=False)

    op.create_table('quotation_lines',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('quotation_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('price_item_id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=20), nullable=False),
    sa.Column('service_name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=250), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.Integer(), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity >= 1', name='ck_quotation_lines_quantity'),
    sa.ForeignKeyConstraint(['price_item_id'], ['price_items.id'], ),
    sa.ForeignKeyConstraint(['quotation_id'], ['quotations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('quotation_id', 'position', name='uq_quotation_lines_position')
    )
    with op.batch_alter_table('quotation_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotation_lines_quotation_id'), ['quotation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quotation_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotation_lines_quotation_id'))

    op.drop_table('quotation_lines')
    with op.batch_alter_table('quotations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotations_status'))
        batch_op.drop_index(batch_op.f('ix_quotations_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_quotations_client_id'))

    op.drop_table('quotations')
    op.drop_table('quotation_counters')
    with op.batch_alter_table('price_items', schema=None) as batch_op:
        batch_op.drop_index('uq_price_items_active_single', postgresql_where=sa.text("kind = 'single' AND active"), sqlite_where=sa.text("kind = 'single' AND active"))
        batch_op.drop_index(batch_op.f('ix_price_items_service_code'))

    op.drop_table('price_items')
    with op.batch_alter_table('opportunity_refs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_refs_client_id'))

    op.drop_table('opportunity_refs')
    op.drop_table('client_refs')
    drop_messaging_tables()
