"""analytics: emails sent untracked per day, and a journey's latest sends

Revision ID: 0009_res13
Revises: 0008_people12
Create Date: 2026-12-06

`analytics_email_day.untracked` counts the emails of a day that went out with tracking
off (docs/tracking.md), so a report can say that opens and clicks were not tracked
instead of showing zeros as facts. The index on `analytics_message` (journey, sent_at,
message_id) reads a journey's latest 200 sends for the spike warnings without a scan.
Emails folded before this revision count as tracked (they carried no flag).
"""

import sqlalchemy as sa
from alembic import op


revision = '0009_res13'
down_revision = '0008_people12'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('analytics_email_day') as batch:
        # the server default fills the rows already there (a plain ADD COLUMN on SQLite)
        batch.add_column(sa.Column('untracked', sa.Integer(), nullable=False,
                                   server_default='0'))
    op.create_index(op.f('ix_analytics_message_journey_id_sent_at_message_id'),
                    'analytics_message', ['journey_id', 'sent_at', 'message_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_analytics_message_journey_id_sent_at_message_id'),
                  table_name='analytics_message')
    with op.batch_alter_table('analytics_email_day') as batch:
        batch.drop_column('untracked')
