"""test contacts

Revision ID: 0003_send9
Revises: 0003
Create Date: 2026-12-04

`contact.is_test` marks the marketer's own test contacts (entered by hand into live
journeys from the app, `contacts mark-test`), so counts and reports can leave them out.
"""

import sqlalchemy as sa
from alembic import op


revision = '0003_send9'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_test', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('is_test')
