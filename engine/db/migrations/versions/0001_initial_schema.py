"""initial schema

Revision ID: 0001
Revises: 
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contact',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('first_name', sa.String(length=200), nullable=False),
    sa.Column('last_name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('locale', sa.String(length=35), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lead_score', sa.Integer(), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact')),
    sa.UniqueConstraint('email', name=op.f('uq_contact_email')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_last_activity_at'), ['last_activity_at'], unique=False)

    op.create_table('journey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('draft', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('live_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey')),
    sa.UniqueConstraint('name', name=op.f('uq_journey_name')),
    sqlite_autoincrement=True
    )
    op.create_table('list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list')),
    sa.UniqueConstraint('name', name=op.f('uq_list_name'))
    )
    op.create_table('product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('image_url', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product')),
    sa.UniqueConstraint('sku', name=op.f('uq_product_sku'))
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_category'), ['category'], unique=False)

    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('preheader', sa.String(length=500), nullable=False),
    sa.Column('from_name', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_format', sa.String(length=20), nullable=False),
    sa.Column('layout', sa.String(length=100), nullable=False),
    sa.Column('text_override', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template')),
    sa.UniqueConstraint('key', name=op.f('uq_template_key'))
    )
    op.create_table('audience_member',
    sa.Column('audience', sa.String(length=200), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_audience_member_contact_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('audience', 'contact_id', name=op.f('pk_audience_member'))
    )
    op.create_table('consent',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('purpose', sa.String(length=50), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_consent_contact_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_contact_id_purpose_recorded_at'), ['contact_id', 'purpose', 'recorded_at'], unique=False)

    op.create_table('coupon',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('journey_id', sa.Integer(), nullable=True),
    sa.Column('node_id', sa.String(length=64), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('redeemed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_coupon_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['journey_id'], ['journey.id'], name=op.f('fk_coupon_journey_id_journey'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon')),
    sa.UniqueConstraint('code', name=op.f('uq_coupon_code')),
    sa.UniqueConstraint('contact_id', 'journey_id', 'node_id', name=op.f('uq_coupon_contact_id_journey_id_node_id'))
    )
    op.create_table('event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('properties', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('processed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_event_contact_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_contact_id_name_occurred_at'), ['contact_id', 'name', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_name_occurred_at'), ['name', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_processed_at'), ['processed_at'], unique=False)

    op.create_table('journey_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('journey_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('document', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['journey_id'], ['journey.id'], name=op.f('fk_journey_version_journey_id_journey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_version')),
    sa.UniqueConstraint('journey_id', 'number', name=op.f('uq_journey_version_journey_id_number')),
    sqlite_autoincrement=True
    )
    # journey and journey_version refer to each other: the second key comes after both tables.
    with op.batch_alter_table('journey', schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f('fk_journey_live_version_id_journey_version'), 'journey_version',
            ['live_version_id'], ['id'], ondelete='SET NULL')
    op.create_table('list_membership',
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_list_membership_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['list_id'], ['list.id'], name=op.f('fk_list_membership_list_id_list'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('list_id', 'contact_id', name=op.f('pk_list_membership'))
    )
    with op.batch_alter_table('list_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_membership_contact_id'), ['contact_id'], unique=False)

    op.create_table('webhook_call',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('journey_id', sa.Integer(), nullable=True),
    sa.Column('node_id', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('headers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('body', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('timeout_seconds', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('retry_at', sa.DateTime(), nullable=True),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_webhook_call_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['journey_id'], ['journey.id'], name=op.f('fk_webhook_call_journey_id_journey'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_call')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_webhook_call_idempotency_key'))
    )
    with op.batch_alter_table('webhook_call', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_call_status_retry_at'), ['status', 'retry_at'], unique=False)

    op.create_table('enrollment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('journey_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('active_journey_id', sa.Integer(), nullable=True),
    sa.Column('node_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('paused_due_at', sa.DateTime(), nullable=True),
    sa.Column('wait_event', sa.String(length=100), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=50), nullable=True),
    sa.Column('context', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('step_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_enrollment_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['journey_id'], ['journey.id'], name=op.f('fk_enrollment_journey_id_journey'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['journey_version.id'], name=op.f('fk_enrollment_version_id_journey_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment')),
    sa.UniqueConstraint('contact_id', 'active_journey_id', name=op.f('uq_enrollment_contact_id_active_journey_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_contact_id_wait_event'), ['contact_id', 'wait_event'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_journey_id_status'), ['journey_id', 'status'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('enrollment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('journey_id', sa.Integer(), nullable=True),
    sa.Column('node_id', sa.String(length=64), nullable=True),
    sa.Column('template_key', sa.String(length=100), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('to_address', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=1000), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('headers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('retry_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_message_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_message_enrollment_id_enrollment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['journey_id'], ['journey.id'], name=op.f('fk_message_journey_id_journey'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_message_idempotency_key'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_contact_id_queued_at'), ['contact_id', 'queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_journey_id_node_id'), ['journey_id', 'node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_status_retry_at'), ['status', 'retry_at'], unique=False)

    op.create_table('step_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('enrollment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('journey_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('node_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('port', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=50), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_step_log_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_step_log_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['journey_id'], ['journey.id'], name=op.f('fk_step_log_journey_id_journey'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['journey_version.id'], name=op.f('fk_step_log_version_id_journey_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_log'))
    )
    with op.batch_alter_table('step_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_log_contact_id_at'), ['contact_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_step_log_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_step_log_journey_id_node_id_kind'), ['journey_id', 'node_id', 'kind'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('journey', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_journey_live_version_id_journey_version'), type_='foreignkey')
    with op.batch_alter_table('step_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_log_journey_id_node_id_kind'))
        batch_op.drop_index(batch_op.f('ix_step_log_enrollment_id'))
        batch_op.drop_index(batch_op.f('ix_step_log_contact_id_at'))

    op.drop_table('step_log')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_status_retry_at'))
        batch_op.drop_index(batch_op.f('ix_message_journey_id_node_id'))
        batch_op.drop_index(batch_op.f('ix_message_contact_id_queued_at'))

    op.drop_table('message')
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_journey_id_status'))
        batch_op.drop_index(batch_op.f('ix_enrollment_due_at'))
        batch_op.drop_index(batch_op.f('ix_enrollment_contact_id_wait_event'))

    op.drop_table('enrollment')
    with op.batch_alter_table('webhook_call', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_call_status_retry_at'))

    op.drop_table('webhook_call')
    with op.batch_alter_table('list_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_list_membership_contact_id'))

    op.drop_table('list_membership')
    op.drop_table('journey_version')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_processed_at'))
        batch_op.drop_index(batch_op.f('ix_event_name_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_event_contact_id_name_occurred_at'))

    op.drop_table('event')
    op.drop_table('coupon')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_contact_id_purpose_recorded_at'))

    op.drop_table('consent')
    op.drop_table('audience_member')
    op.drop_table('template')
    op.drop_table('setting')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_category'))

    op.drop_table('product')
    op.drop_table('list')
    op.drop_table('journey')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_last_activity_at'))

    op.drop_table('contact')
