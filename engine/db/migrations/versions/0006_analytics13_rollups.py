"""analytics rollups

Revision ID: 0006_analytics13
Revises: 0004_links18
Create Date: 2026-12-04

Rollup tables per journey, step, email, path and day, and the per-message, per-reach and
per-path state the catch-up needs to count each thing once (docs/analytics.md).
"""

import sqlalchemy as sa
from alembic import op


revision = '0006_analytics13'
down_revision = '0004_links18'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Money = sa.Numeric(14, 2)


def _counts(*names):
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def upgrade() -> None:
    op.create_table(
        'analytics_journey_day',
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        *_counts('entered', 'converted', 'completed', 'exited', 'conversions', 'orders',
                 'orders_without_revenue'),
        sa.Column('revenue', Money, nullable=False),
        sa.PrimaryKeyConstraint('journey_id', 'day', name=op.f('pk_analytics_journey_day')),
    )
    op.create_table(
        'analytics_step_day',
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        *_counts('reached', 'dropped', 'completed', 'converted'),
        sa.PrimaryKeyConstraint('journey_id', 'node_id', 'day', name=op.f('pk_analytics_step_day')),
    )
    op.create_table(
        'analytics_email_day',
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.Column('template', sa.String(length=100), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        *_counts('sent', 'bounced', 'unique_opens', 'unique_clicks', 'unsubscribes', 'complaints',
                 'orders', 'orders_without_revenue'),
        sa.Column('revenue', Money, nullable=False),
        sa.PrimaryKeyConstraint('journey_id', 'node_id', 'template', 'day',
                                name=op.f('pk_analytics_email_day')),
    )
    op.create_table(
        'analytics_path_day',
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.Column('port', sa.String(length=64), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        *_counts('entered', 'converted'),
        sa.Column('revenue', Money, nullable=False),
        sa.PrimaryKeyConstraint('journey_id', 'node_id', 'port', 'day',
                                name=op.f('pk_analytics_path_day')),
    )
    op.create_table(
        'analytics_cohort_week',
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('week', sa.String(length=10), nullable=False),
        *_counts('entrants', 'ordered_30', 'ordered_60', 'ordered_90'),
        sa.Column('revenue_90', Money, nullable=False),
        sa.PrimaryKeyConstraint('journey_id', 'week', name=op.f('pk_analytics_cohort_week')),
    )
    op.create_table(
        'analytics_first_order',
        sa.Column('enrollment_id', BigId, autoincrement=False, nullable=False),
        sa.Column('ordered_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('enrollment_id', name=op.f('pk_analytics_first_order')),
    )
    op.create_table(
        'analytics_message',
        sa.Column('message_id', BigId, autoincrement=False, nullable=False),
        sa.Column('contact_id', BigId, nullable=False),
        sa.Column('enrollment_id', BigId, nullable=True),
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.Column('template', sa.String(length=100), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        *[sa.Column(name, sa.Boolean(), nullable=False)
          for name in ('bounced', 'opened', 'clicked', 'unsubscribed', 'complained')],
        sa.PrimaryKeyConstraint('message_id', name=op.f('pk_analytics_message')),
    )
    op.create_index(op.f('ix_analytics_message_contact_id_sent_at'), 'analytics_message',
                    ['contact_id', 'sent_at'])
    op.create_table(
        'analytics_pending',
        sa.Column('message_id', BigId, autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('message_id', name=op.f('pk_analytics_pending')),
    )
    op.create_table(
        'analytics_reach',
        sa.Column('enrollment_id', BigId, autoincrement=False, nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('enrollment_id', 'node_id', name=op.f('pk_analytics_reach')),
    )
    op.create_table(
        'analytics_path_member',
        sa.Column('enrollment_id', BigId, autoincrement=False, nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.Column('port', sa.String(length=64), nullable=False),
        sa.Column('journey_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint('enrollment_id', 'node_id', 'port',
                                name=op.f('pk_analytics_path_member')),
    )


def downgrade() -> None:
    for table in ('analytics_path_member', 'analytics_reach', 'analytics_pending', 'analytics_message',
                  'analytics_first_order', 'analytics_cohort_week',
                  'analytics_path_day', 'analytics_email_day', 'analytics_step_day',
                  'analytics_journey_day'):
        op.drop_table(table)
