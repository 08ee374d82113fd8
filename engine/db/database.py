"""Opening a Trellis database.

Contract: `open_database(url)` returns a `Database` whose schema is at the newest Alembic
revision (migrations run on open; a database already at head costs one query). The URL
comes from the argument, else `TRELLIS_DB`, else an SQLite file in the user data folder.
SQLite connections run with WAL, a busy timeout and foreign keys on. Engines hide bound
parameters in their error messages and logs: those are contacts' data.

Files and read-only media:
- A new SQLite database file is created with mode 0600 (owner only) before SQLite opens
  it: it holds the link-signing secret and every contact. SQLite gives its -wal and -shm
  files the database file's mode.
- When the file or its folder cannot be written (a read-only mount, a copy without write
  permission), the database is opened read-only (`mode=ro`, and `immutable=1` when the
  folder is not writable and no -wal file holds changes, so SQLite needs no -shm file) and `Database.read_only` is True.
  Migrations are skipped when it is already at head; a read-only database that needs a
  migration raises `DatabaseUnavailable`. Reading commands work; a write fails with the
  one clear line of `engine.db.failures.describe`.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from engine.db import migrate
from engine.errors import TrellisError

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


def _bind_none_cheaply() -> None:
    """Bind None as NULL through a registered adapter (the same NULL, found in one look-up).

    The sqlite3 module binds only exact str, int and float values directly; any other
    value, None included, goes through its adaptation protocol, which for None fails two
    attribute look-ups and formats an error message before falling back to NULL: 3% of
    the instructions of an engine tick that queues emails, whose rows carry many NULLs
    (measured with tests/benchmarks/engine_instructions.py). A registered adapter is found
    first; `{}.get` is a C callable that returns None for any key, so no Python frame runs.
    Registering is process-wide and idempotent, and changes no stored value.
    """
    sqlite3.register_adapter(type(None), _NULL.get)


_NULL: dict = {}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class DatabaseUnavailable(TrellisError):
    """The database cannot be opened as asked (read-only and out of date, unreadable…)."""


class Database:
    """An SQLAlchemy engine plus a session factory for one database URL."""

    def __init__(self, url: str, engine: Engine, *, read_only: bool = False):
        self.url = url
        self.engine = engine
        self.read_only = read_only
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


def _sqlite_read_only_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only, if there is none."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


def _sqlite_file(parsed) -> Path | None:
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _is_read_only(path: Path) -> bool:
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def create_database_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _bind_none_cheaply()
        path = _sqlite_file(parsed)
        if path is not None and _is_read_only(path):
            return _read_only_engine(path)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                _create_private_file(path)
            except OSError as error:
                raise DatabaseUnavailable(
                    f"the database {path} cannot be created: {error.strerror}") from None
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _read_only_engine(path: Path) -> Engine:
    # immutable: on a read-only folder SQLite could not create the -shm file a WAL database
    # needs; nothing can write there, so telling SQLite the file will not change is true.
    # A non-empty -wal file holds committed changes that immutable mode would ignore; then
    # plain mode=ro, which SQLite (3.22+) manages when the -wal and -shm files exist.
    wal = path.with_name(path.name + "-wal")
    has_wal = wal.exists() and wal.stat().st_size > 0
    extra = "" if os.access(path.parent, os.W_OK) or has_wal else "&immutable=1"
    uri = f"file:{quote(str(path.resolve()))}?mode=ro{extra}"
    engine = create_engine("sqlite://", hide_parameters=True, creator=lambda: sqlite3.connect(
        uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False))
    event.listen(engine, "connect", _sqlite_read_only_pragmas)
    return engine


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at `url`."""
    url = url or default_database_url()
    engine = create_database_engine(url)
    path = _sqlite_file(make_url(url)) if url.startswith("sqlite") else None
    read_only = path is not None and _is_read_only(path)
    if upgrade:
        if read_only:
            if migrate.current_revision(engine) != migrate.head_revision():
                engine.dispose()
                raise DatabaseUnavailable(
                    f"the database {path} is read-only and was made by an older Trellis; "
                    "open it once where it can be written so it can be brought up to date")
        else:
            migrate.upgrade_to_head(engine)
    return Database(url, engine, read_only=read_only)
