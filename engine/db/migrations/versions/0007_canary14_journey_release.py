"""journey_release: a canary version beside the live one, and a guard on entry

Revision ID: 0007_canary14
Revises: 0006_analytics13
Create Date: 2026-12-05

One row per journey that has a canary running, a guard on entry ("publish to these
contacts only, for now") or a canary that ended (its outcome, reason and figures).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0007_canary14'
down_revision = '0006_analytics13'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'journey_release',
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('canary_version_id', sa.Integer(), nullable=True),
        sa.Column('canary_percent', sa.Integer(), nullable=True),
        sa.Column('canary_started_at', sa.DateTime(), nullable=True),
        sa.Column('entry_guard', JSON, nullable=True),
        sa.Column('guard_set_at', sa.DateTime(), nullable=True),
        sa.Column('last_canary', JSON, nullable=True),
        sa.ForeignKeyConstraint(['journey_id'], ['journey.id'],
                                name=op.f('fk_journey_release_journey_id_journey'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['canary_version_id'], ['journey_version.id'],
                                name=op.f('fk_journey_release_canary_version_id_journey_version'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('journey_id', name=op.f('pk_journey_release')),
    )


def downgrade() -> None:
    op.drop_table('journey_release')
