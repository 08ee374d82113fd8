"""One clear line for a database or disk that fails under Trellis (read-only, full, locked).

Contract: `describe(error, url)` returns a one-line message naming the database (its file
for SQLite, the URL without password otherwise) and the cause in plain words, or None when
`error` is not such a failure (a programming error must still show its traceback). It
never includes SQL text or bound parameters: those carry contacts' data (SQLAlchemy's own
message prints both).
"""

from __future__ import annotations

import errno

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from engine.db.database import DatabaseUnavailable

# sqlite3 / psycopg messages (lower case) -> what a person should read
_CAUSES = (
    ("readonly", "it is read-only (a read-only disk, folder or file); reading commands "
                 "still work, changes need a writable copy"),
    ("read-only", "it is read-only (a read-only disk, folder or file); reading commands "
                  "still work, changes need a writable copy"),
    ("disk is full", "the disk is full; free some space and try again (nothing was "
                     "half-written)"),
    ("no space left", "the disk is full; free some space and try again (nothing was "
                      "half-written)"),
    ("database is locked", "another program holds it locked; try again in a moment"),
    ("unable to open", "it cannot be opened (a missing folder or no permission)"),
    ("disk i/o error", "the disk reported an I/O error"),
    ("malformed", "the file is damaged (run `PRAGMA integrity_check`, restore a backup)"),
    ("not a database", "the file is not a Trellis database"),
)
_OS_CAUSES = {
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EROFS: "it is on a read-only disk",
    errno.EACCES: "permission denied",
    errno.EDQUOT: "the disk quota is used up",
}


def database_name(url: str | None) -> str:
    if not url:
        from engine.db.database import default_database_url

        url = default_database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "(in memory)"
    return parsed.render_as_string(hide_password=True)


def describe(error: BaseException, url: str | None) -> str | None:
    name = database_name(url)
    if isinstance(error, DatabaseUnavailable):
        return str(error)
    if isinstance(error, DBAPIError):
        cause = str(error.orig).splitlines()[0].lower() if error.orig is not None else ""
        for needle, text in _CAUSES:
            if needle in cause:
                return f"the database {name} cannot be used: {text}"
        kind = type(error.orig).__name__ if error.orig is not None else type(error).__name__
        return f"the database {name} failed ({kind}: {cause[:120]})"
    if isinstance(error, SQLAlchemyError):
        return f"the database {name} failed ({type(error).__name__})"
    if isinstance(error, OSError) and error.errno in _OS_CAUSES:
        where = f" {error.filename}" if error.filename else ""
        return f"cannot write{where}: {_OS_CAUSES[error.errno]}"
    return None
