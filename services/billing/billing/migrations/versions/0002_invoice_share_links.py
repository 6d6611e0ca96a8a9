"""invoice share links

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import servicekit.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('link_expires_at', servicekit.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint('uq_invoice_share_token_hash', ['share_token_hash'])



def downgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint('uq_invoice_share_token_hash', type_='unique')
        batch_op.drop_column('link_expires_at')
        batch_op.drop_column('share_token_hash')

