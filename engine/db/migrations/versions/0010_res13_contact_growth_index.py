"""contact (is_test, created_at): the Dashboard's list growth from the index alone

Revision ID: 0010_res13
Revises: 0009_exp14
Create Date: 2026-12-06

engine/analytics/home.py counts the contacts that are not test contacts by when they
joined (list growth per day, everyone on the list before a period); with this index
that is an index-only count instead of a scan of the contact table.
"""

from alembic import op


revision = '0010_res13'
down_revision = '0009_exp14'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_contact_is_test_created_at'), 'contact', ['is_test', 'created_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_contact_is_test_created_at'), table_name='contact')
