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


def upgrade_to_head(engine: Engine) -> None:
    """Apply every pending migration; a database at head costs one query.

    On SQLite the migrations run with foreign keys off: a migration that rebuilds a table
    (copy, drop, rename: SQLite's only way to change some things) would otherwise
    cascade the drop into every table that refers to it. Before the commit,
    `foreign_key_check` must find nothing, or the whole upgrade is rolled back."""
    if current_revision(engine) == head_revision():
        return
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside a transaction, where SQLite takes it
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the upgrade would break foreign keys: {broken[:5]}")
        finally:
            if sqlite:  # the connection goes back to the pool: as every other one
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
