"""message: a partial index on (journey, sent_at) for the guardrail watch

Revision ID: 0012_send16
Revises: 0011_send16
Create Date: 2026-12-07

The guardrail watch judges every live journey's latest sends once a minute
(engine/experiments/guardrails.py). With only the (journey, node) index it read every
email the journey had ever queued to find them: 0.4 s a minute for a journey of 300,000
emails, growing with the journey. This index finds the window newest first. It holds
sent emails only (`sent_at IS NOT NULL`), so queueing an email, the engine's hot path,
writes no entry; the sender writes one when it sends.
"""

from alembic import op
import sqlalchemy as sa


revision = '0012_send16'
down_revision = '0011_send16'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_message_journey_id_sent_at'), 'message', ['journey_id', 'sent_at'],
                    sqlite_where=sa.text('sent_at IS NOT NULL'),
                    postgresql_where=sa.text('sent_at IS NOT NULL'))


def downgrade() -> None:
    op.drop_index(op.f('ix_message_journey_id_sent_at'), table_name='message')
