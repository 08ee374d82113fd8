"""The schema: migrations reach head, agree with the models, and SQLite is set up right."""

from __future__ import annotations

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from engine.db import open_database
from engine.db.migrate import current_revision, head_revision
from engine.db.models import Base


def test_empty_database_upgrades_to_head(db):
    assert current_revision(db.engine) == head_revision()
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_models_and_migrations_agree(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_pragmas(db):
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_none_binds_as_null_through_the_registered_adapter(db):
    # the adapter only spares the sqlite3 module's failing look-ups (database.py): the
    # stored value must stay NULL, through Core and through the engine's driver path
    assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)] is not None
    with db.engine.connect() as connection:
        row = connection.execute(text("SELECT :v IS NULL, typeof(:v)"), {"v": None}).one()
        assert tuple(row) == (1, "null")
        driver = connection.exec_driver_sql("SELECT ? IS NULL, typeof(?)", (None, None)).one()
        assert tuple(driver) == (1, "null")


def test_reopening_is_idempotent(db_url):
    first = open_database(db_url)
    first.dispose()
    second = open_database(db_url)
    assert current_revision(second.engine) == head_revision()
    second.dispose()


def test_trellis_db_environment_variable(tmp_path, monkeypatch):
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("TRELLIS_DB", f"sqlite:///{path}")
    database = open_database()
    database.dispose()
    assert path.exists()
