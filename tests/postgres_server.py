"""A throw-away PostgreSQL server in a temporary folder, for tests that need the real thing.

`start_postgres()` starts one (initdb + pg_ctl, loopback only, trust auth) in a fresh
folder under the system temp dir (as root, the server runs as `postgres`/`nobody`, which
must be able to reach the folder) and returns its SQLAlchemy URL and a stop function; `skip_reason()` says why it cannot (no server
binaries, no psycopg) so tests skip with that reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def skip_reason() -> str | None:
    if not (_bin("initdb") and _bin("pg_ctl")):
        return "no PostgreSQL server binaries (initdb, pg_ctl); install Debian's postgresql"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(user: str | None, command: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


def start_postgres():
    """Returns (url, stop); stop() also deletes the folder."""
    user = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        for name in ("postgres", "nobody"):
            try:
                pwd.getpwnam(name)
                user = name
                break
            except KeyError:
                continue
    folder = Path(tempfile.mkdtemp(prefix="trellis-pg-"))
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir(exist_ok=True)
    if user:
        os.chmod(folder, 0o777)
        shutil.chown(sockets, user)
    role = user or pwd.getpwuid(os.geteuid()).pw_name
    subprocess.run(_as_user(user, [_bin("initdb"), "-D", str(data), "-A", "trust", "-U", role,
                                   "--no-sync", "-E", "UTF8"]),
                   check=True, capture_output=True)
    port = _free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_user(user, [_bin("pg_ctl"), "-D", str(data), "-o", options, "-w",
                                   "-l", str(folder / "log.txt"), "start"]),
                   check=True, capture_output=True)

    def stop() -> None:
        subprocess.run(_as_user(user, [_bin("pg_ctl"), "-D", str(data), "-m", "immediate",
                                       "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)

    return f"postgresql+psycopg://{role}@127.0.0.1:{port}/postgres", stop


def emptied_database(url: str, tables: str):
    """A fixture body: the database at `url` with `tables` (SQL list) truncated, ids
    restarted, disposed after the test."""
    from sqlalchemy import text

    from engine.db import open_database

    database = open_database(url)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    database.dispose()
