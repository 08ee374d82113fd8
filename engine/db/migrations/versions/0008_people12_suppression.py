"""suppression: hashes of erased addresses, and the anonymous audit of each erasure

Revision ID: 0008_people12
Revises: 0007_seg12
Create Date: 2026-12-05

`contacts erase EMAIL` removes a person's data but keeps the sha256 of their address here,
so a later import or API call cannot subscribe them again (docs/contacts.md).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision = '0008_people12'
down_revision = '0007_seg12'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'suppression',
        sa.Column('email_hash', sa.String(length=64), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('detail', sa.JSON().with_variant(
            postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
        sa.PrimaryKeyConstraint('email_hash', name=op.f('pk_suppression')),
    )


def downgrade() -> None:
    op.drop_table('suppression')
