"""Alembic, driven from code: the app, the CLI and the engine upgrade on open.

`alembic.ini` is not needed; the script location is this package's `migrations` folder.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from engine.errors import TrellisError

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


class UpgradeRefused(TrellisError):
    """A migration would have broken references between tables: rolled back whole."""


def _broken_references(connection) -> set[tuple]:
    """(table, rowid, parent table, key) of every row whose foreign key finds no parent."""
    return {tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check")}


def upgrade_to_head(engine: Engine) -> None:
    """Apply every pending migration; a database at head costs one query.

    On SQLite the migrations run with foreign keys off: a migration that rebuilds a table
    (copy, drop, rename: SQLite's only way to change some things) would otherwise
    cascade the drop into every table that refers to it. Before the commit,
    `foreign_key_check` must find no broken reference that was not there before the
    upgrade, or the whole upgrade is rolled back (UpgradeRefused)."""
    if current_revision(engine) == head_revision():
        return
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside a transaction, where SQLite takes it
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                before = _broken_references(connection) if sqlite else set()
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite and (broken := _broken_references(connection) - before):
                    tables = sorted({table for table, *_ in broken})
                    raise UpgradeRefused(
                        f"the database could not be brought up to date: the upgrade would "
                        f"leave {len(broken)} rows of {', '.join(tables)} referring to rows "
                        "that do not exist; nothing was changed")
        finally:
            if sqlite:  # the connection goes back to the pool: as every other one
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
