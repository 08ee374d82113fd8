"""experiment_result, journey_guardrail, journey_notice: tests with a winner, guardrail
pauses and the notices the app shows for them

Revision ID: 0009_exp14
Revises: 0008_people12
Create Date: 2026-12-06

docs/experiments.md: each A/B test's latest figures and its winner (once, with its time);
the guardrail that paused a journey (reason and figures, until resumed); notices for the
tray (a guardrail paused a journey, a test has a winner).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0009_exp14'
down_revision = '0009_res13'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def _journey_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['journey_id'], ['journey.id'],
                                   name=op.f(f'fk_{table}_journey_id_journey'),
                                   ondelete='CASCADE')


def upgrade() -> None:
    op.create_table(
        'experiment_result',
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.Column('metric', sa.String(length=20), nullable=False),
        sa.Column('winner', sa.String(length=40), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('figures', JSON, nullable=False),
        sa.Column('evaluated_at', sa.DateTime(), nullable=False),
        _journey_fk('experiment_result'),
        sa.PrimaryKeyConstraint('journey_id', 'node_id', name=op.f('pk_experiment_result')),
    )
    op.create_table(
        'journey_guardrail',
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('figures', JSON, nullable=False),
        sa.Column('tripped_at', sa.DateTime(), nullable=False),
        sa.Column('resumed_at', sa.DateTime(), nullable=True),
        _journey_fk('journey_guardrail'),
        sa.PrimaryKeyConstraint('journey_id', name=op.f('pk_journey_guardrail')),
    )
    op.create_table(
        'journey_notice',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('detail', JSON, nullable=False),
        sa.Column('notified_at', sa.DateTime(), nullable=True),
        _journey_fk('journey_notice'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_notice')),
    )
    op.create_index(op.f('ix_journey_notice_notified_at'), 'journey_notice', ['notified_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_journey_notice_notified_at'), table_name='journey_notice')
    op.drop_table('journey_notice')
    op.drop_table('journey_guardrail')
    op.drop_table('experiment_result')
