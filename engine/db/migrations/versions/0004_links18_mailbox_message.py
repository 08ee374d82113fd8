"""mailbox_message: mails the mailbox reader handled, once per Message-ID

Revision ID: 0004_links18
Revises: 0003_send9
Create Date: 2026-12-04

The mailbox reader (engine/mailbox) turns unsubscribe mails, bounce reports and spam
complaints into events. A mail seen twice (a second poll, a copy in another folder, a
crash before the move) must act once: its Message-ID's hash is the primary key.
"""

import sqlalchemy as sa
from alembic import op


revision = '0004_links18'
down_revision = '0003_send9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'mailbox_message',
        sa.Column('message_hash', sa.String(length=64), nullable=False),
        sa.Column('message_id', sa.String(length=500), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=True),
        sa.Column('handled_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('message_hash', name=op.f('pk_mailbox_message')),
    )


def downgrade() -> None:
    op.drop_table('mailbox_message')
