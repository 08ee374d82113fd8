"""contacts newest first

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

The Contacts page lists contacts by when they joined (created_at), newest first, a page
at a time: this index answers each page (keyset on created_at, id) without sorting the
table. Ids are not join order: imports and the demo shop bring in people who joined long
before.
"""

from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_created_at_id'), ['created_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_created_at_id'))
