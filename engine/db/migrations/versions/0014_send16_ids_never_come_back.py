"""contact, journey, journey_version, enrollment: ids never given again (SQLite)

Revision ID: 0014_send16
Revises: 0013_send16
Create Date: 2026-12-07

SQLite gives a new row the largest id in its table plus one, so once the newest rows
are deleted their ids come back. These four tables' ids live on outside them: a sent
email's signed unsubscribe and click links name the contact (a deleted contact's link
would have acted on the next contact given its id), a step's idempotency key names the
enrollment (the next enrollments' emails collided with the old ones' keys and every tick
failed), and engines keep compiled versions by id (the next journey ran the deleted one).
With AUTOINCREMENT, SQLite never gives an id twice.

SQLite can only add AUTOINCREMENT by building the table again (copy, drop, rename), so
a database made before this revision is rebuilt here, table by table, with foreign keys
off (engine/db/migrate.py checks them all before the commit). New databases get the
keyword from the first revision and are not rebuilt. PostgreSQL's sequences never give
an id twice: nothing to do there.
"""

from alembic import op
import sqlalchemy as sa


revision = '0014_send16'
down_revision = '0013_send16'
branch_labels = None
depends_on = None

TABLES = ("contact", "journey", "journey_version", "enrollment")


def _has_autoincrement(table: str) -> bool:
    sql = op.get_bind().execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": table}).scalar()
    return "AUTOINCREMENT" in (sql or "").upper()


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        if not _has_autoincrement(table):
            with op.batch_alter_table(table, recreate="always",
                                      table_kwargs={"sqlite_autoincrement": True}):
                pass


def downgrade() -> None:
    pass  # ids that are never given again harm nothing: the tables stay as they are
