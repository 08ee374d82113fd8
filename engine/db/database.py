"""Opening a Trellis database.

Contract: `open_database(url)` returns a `Database` whose schema is at the newest Alembic
revision (migrations run on open; a database already at head costs one query). The URL
comes from the argument, else `TRELLIS_DB`, else an SQLite file in the user data folder.
SQLite connections run with WAL, a busy timeout and foreign keys on.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from engine.db import migrate

APP_NAME = "Trellis"
BUSY_TIMEOUT_MS = 10_000


def default_database_url() -> str:
    """`TRELLIS_DB`, else `sqlite:///<user data dir>/trellis.db`."""
    env = os.environ.get("TRELLIS_DB")
    if env:
        return env
    from platformdirs import user_data_dir

    folder = Path(user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{folder / 'trellis.db'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """An SQLAlchemy engine plus a session factory for one database URL."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        database = make_url(self.url).database
        return Path(database) if database and database != ":memory:" else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self.sessions() as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()


def create_database_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at `url`."""
    url = url or default_database_url()
    engine = create_database_engine(url)
    if upgrade:
        migrate.upgrade_to_head(engine)
    return Database(url, engine)
