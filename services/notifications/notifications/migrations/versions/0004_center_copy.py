"""center_copy: the centre's details as the gateway last published them (center.updated); the default sign-off
of the templates no administrator edited gains the centre's address and phone

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

from servicekit.migrations import create_center_copy_table


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The sign-off as migration 0002 seeded it, and as it reads from now on (both frozen here).
OLD_SIGN_OFF = "Kind regards,\n{{ center_name }}\n{% if unsubscribe_url %}"
NEW_SIGN_OFF = ("Kind regards,\n{{ center_name }}\n{% if center_address %}{{ center_address }}\n"
                "{% endif %}{% if center_phone %}Phone: {{ center_phone }}\n{% endif %}{% if unsubscribe_url %}")
templates = sa.table("message_templates", sa.column("kind"), sa.column("body"), sa.column("updated_by"))


def _replace_in_unedited(old: str, new: str) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(templates.c.kind, templates.c.body).where(templates.c.updated_by.is_(None)))
    for kind, body in rows.all():
        if old in body:
            bind.execute(sa.update(templates).where(templates.c.kind == kind).values(body=body.replace(old, new)))


def upgrade() -> None:
    create_center_copy_table()
    _replace_in_unedited(OLD_SIGN_OFF, NEW_SIGN_OFF)


def downgrade() -> None:
    _replace_in_unedited(NEW_SIGN_OFF, OLD_SIGN_OFF)
    op.drop_table('center_copy')
