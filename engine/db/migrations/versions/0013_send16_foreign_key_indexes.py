"""indexes for three foreign keys that had none: message.enrollment_id,
webhook_call.contact_id, audience_member.contact_id

Revision ID: 0013_send16
Revises: 0012_send16
Create Date: 2026-12-07

When a parent row is deleted, the database looks for the rows that refer to it (to set
them to NULL or delete them). Without an index on the referring column, SQLite reads the
whole table for each parent row: deleting an archived journey of 6,000 enrollments took
7.3 s beside its 6,000 emails, and grows with the square of its size (0.26 s with the
index). Deleting contacts read every webhook call and every ad audience membership once
per contact.
"""

from alembic import op


revision = '0013_send16'
down_revision = '0012_send16'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_message_enrollment_id'), 'message', ['enrollment_id'])
    op.create_index(op.f('ix_webhook_call_contact_id'), 'webhook_call', ['contact_id'])
    op.create_index(op.f('ix_audience_member_contact_id'), 'audience_member', ['contact_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_audience_member_contact_id'), table_name='audience_member')
    op.drop_index(op.f('ix_webhook_call_contact_id'), table_name='webhook_call')
    op.drop_index(op.f('ix_message_enrollment_id'), table_name='message')
