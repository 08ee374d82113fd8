"""step_log: drop the (journey, node, kind) index; (journey, node, enrollment) serves its readers

Revision ID: 0011_send16
Revises: 0010_res13
Create Date: 2026-12-07

Every step the engine takes writes a step log, and each index of step_log is a B-tree
insert more per row: this one cost 3.6% of the instructions of a send-email step
(tests/benchmarks/engine_instructions.py). Its readers filter on journey and node first
(an A/B test's takers at its step, engine/experiments/figures.py), and the index on
(journey, node, enrollment), which the live counts need, finds the same rows; those
readers read the rows anyway (contact, port, detail, time), so the kind is checked there.
"""

from alembic import op


revision = '0011_send16'
down_revision = '0010_res13'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f('ix_step_log_journey_id_node_id_kind'), table_name='step_log')


def downgrade() -> None:
    op.create_index(op.f('ix_step_log_journey_id_node_id_kind'), 'step_log',
                    ['journey_id', 'node_id', 'kind'])
