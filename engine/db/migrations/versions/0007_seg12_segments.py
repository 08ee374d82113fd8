"""saved segments

Revision ID: 0007_seg12
Revises: 0007_canary14
Create Date: 2026-12-05

Saved segments (a named condition and its last computed size), who is in each, and each
segment's size per day (docs/segments.md); a covering index on event (name, occurred_at,
contact_id) so a segment count reads an event window per contact from the index alone.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision = '0007_seg12'
down_revision = '0007_canary14'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'segment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('condition', Json, nullable=False),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('computed_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_segment')),
        sa.UniqueConstraint('name', name=op.f('uq_segment_name')),
    )
    op.create_table(
        'segment_member',
        sa.Column('segment_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', BigId, nullable=False),
        sa.Column('entered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'],
                                name=op.f('fk_segment_member_contact_id_contact'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['segment_id'], ['segment.id'],
                                name=op.f('fk_segment_member_segment_id_segment'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('segment_id', 'contact_id', name=op.f('pk_segment_member')),
    )
    with op.batch_alter_table('segment_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segment_member_contact_id'), ['contact_id'],
                              unique=False)
    op.create_table(
        'segment_size',
        sa.Column('segment_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['segment_id'], ['segment.id'],
                                name=op.f('fk_segment_size_segment_id_segment'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('segment_id', 'day', name=op.f('pk_segment_size')),
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_name_occurred_at_contact_id'),
                              ['name', 'occurred_at', 'contact_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_name_occurred_at_contact_id'))
    op.drop_table('segment_size')
    with op.batch_alter_table('segment_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_member_contact_id'))
    op.drop_table('segment_member')
    op.drop_table('segment')
