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
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('guardian_name', sa.String(length=200), nullable=True),
    sa.Column('guardian_email', sa.String(length=254), nullable=True),
    sa.Column('updated_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('client_id')
    )
    op.create_table('invoice_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('invoices',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('client_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_minor', sa.Integer(), nullable=False),
    sa.Column('paid_minor', sa.Integer(), nullable=False),
    sa.Column('issued_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('voided_at', servicekit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('paid_minor >= 0 AND paid_minor <= total_minor', name='ck_invoice_paid'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number', name='uq_invoice_number')
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_status'), ['status'], unique=False)

    op.create_table('package_credits',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('quotation_id', sa.String(length=36), nullable=False),
    sa.Column('quotation_line_id', sa.String(length=36), nullable=False),
    sa.Column('service_code', sa.String(length=20), nullable=True),
    sa.Column('sessions_total', sa.Integer(), nullable=False),
    sa.Column('sessions_used', sa.Integer(), nullable=False),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('sessions_used >= 0 AND sessions_used <= sessions_total', name='ck_package_credit_used'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('quotation_id', 'quotation_line_id', name='uq_package_credit_line')
    )
    with op.batch_alter_table('package_credits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_credits_client_id'), ['client_id'], unique=False)

    op.create_table('billable_items',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('quotation_id', sa.String(length=36), nullable=True),
    sa.Column('quotation_line_id', sa.String(length=36), nullable=True),
    sa.Column('service_code', sa.String(length=20), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('invoice_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id', name='uq_billable_item_task')
    )
    with op.batch_alter_table('billable_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billable_items_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billable_items_status'), ['status'], unique=False)
        batch_op.create_index('uq_billable_item_package_line', ['quotation_id', 'quotation_line_id'], unique=True, postgresql_where=sa.text("source = 'package'"), sqlite_where=sa.text("source = 'package'"))

    op.create_table('credit_uses',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('credit_id', sa.String(length=36), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('used_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['credit_id'], ['package_credits.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id', name='uq_credit_use_task')
    )
    with op.batch_alter_table('credit_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_uses_credit_id'), ['credit_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('invoice_id', sa.String(length=36), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('received_at', servicekit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=True),
    sa.CheckConstraint('amount_minor > 0', name='ck_payment_positive'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('invoice_id', sa.String(length=36), nullable=False),
    sa.Column('billable_item_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['billable_item_id'], ['billable_items.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_invoice_id'))

    op.drop_table('payments')
    with op.batch_alter_table('credit_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_uses_credit_id'))

    op.drop_table('credit_uses')
    with op.batch_alter_table('billable_items', schema=None) as batch_op:
        batch_op.drop_index('uq_billable_item_package_line', postgresql_where=sa.text("source = 'package'"), sqlite_where=sa.text("source = 'package'"))
        batch_op.drop_index(batch_op.f('ix_billable_items_status'))
        batch_op.drop_index(batch_op.f('ix_billable_items_client_id'))

    op.drop_table('billable_items')
    with op.batch_alter_table('package_credits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_credits_client_id'))

    op.drop_table('package_credits')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_status'))
        batch_op.drop_index(batch_op.f('ix_invoices_client_id'))

    op.drop_table('invoices')
    op.drop_table('invoice_counters')
    op.drop_table('client_refs')
    drop_messaging_tables()
