"""The API key that event and contact intake requires (`Authorization: Bearer <key>`).

Contract:
- A key is `trk_` + 43 URL-safe characters (32 random bytes). The database keeps only its
  SHA-256 (setting `api_key`), so a copied database or a backup does not give the key
  away. A plain hash, not a slow password hash, is right here: the key is 256 random bits,
  there is nothing to guess, and every request checks it.
- The plain key is kept where the user who runs Trellis can read it again
  (`python main.py api-key`): the OS keychain when there is one, else a file only its
  owner may read (mode 0600) — next to an SQLite database as `<file>.api-key`, or for
  other databases in the user data folder as `api-keys/<hash of the URL>.key`.
- `ensure_api_key(database, now)` makes the key on first run and returns
  `(key or None, created)`; None means a key exists but its plain text is not on this
  machine (made elsewhere: `rotate_api_key` makes a new one). `rotate_api_key` replaces
  the key: the old one stops working with the next request. `read_api_key` returns the
  plain key kept here, if it still matches. `key_matches(session, presented)` checks a
  key in constant time; `ApiKeyCheck` is the same check for the server, reading the hash
  at most once a second (a rotated key works at once; the old one stops within a second).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from engine import keychain
from engine.db.database import APP_NAME, Database
from engine.db.models import Setting
from engine.messaging.inserts import insert_if_absent

SETTING_KEY = "api_key"
PREFIX = "trk_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def _identity(database: Database) -> str:
    url = make_url(database.url)
    if database.sqlite_path is not None:
        text = str(database.sqlite_path.expanduser().resolve())
    else:
        text = url.render_as_string(hide_password=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def key_file(database: Database) -> Path:
    """Where the plain key is kept when there is no keychain."""
    if database.sqlite_path is not None:
        path = database.sqlite_path.expanduser().resolve()
        return path.with_name(path.name + ".api-key")
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "api-keys" / f"{_identity(database)}.key"


def _keep(database: Database, key: str) -> str:
    """Store the plain key for the user; returns where (for messages)."""
    if keychain.set_secret(f"api-key:{_identity(database)}", key):
        return "the system keychain"
    path = key_file(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    # created 0600 from the start (never world-readable, not even for a moment)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    os.chmod(path, 0o600)  # an older file may have had wider permissions
    return str(path)


def _kept(database: Database) -> str | None:
    key = keychain.get_secret(f"api-key:{_identity(database)}")
    if key is None:
        try:
            key = key_file(database).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
    return key or None


def _stored_digest(session: Session) -> str | None:
    value = session.scalar(select(Setting.value).where(Setting.key == SETTING_KEY))
    return value.get("sha256") if isinstance(value, dict) else None


def key_matches(session: Session, presented: str) -> bool:
    stored = _stored_digest(session)
    return stored is not None and hmac.compare_digest(stored, _digest(presented))


def read_api_key(database: Database) -> str | None:
    key = _kept(database)
    if key is None:
        return None
    with database.session() as session:
        return key if key_matches(session, key) else None


def ensure_api_key(database: Database, now: datetime) -> tuple[str | None, bool]:
    key = new_key()
    with database.session() as session:
        created = insert_if_absent(session, Setting, key=SETTING_KEY,
                                   value={"sha256": _digest(key), "created_at": now.isoformat()})
    if created:
        _keep(database, key)
        return key, True
    return read_api_key(database), False


def rotate_api_key(database: Database, now: datetime) -> tuple[str, str]:
    """A new key, replacing the old one; returns (key, where it is kept)."""
    key = new_key()
    where = _keep(database, key)  # first: a key in the database nobody can read is useless
    value = {"sha256": _digest(key), "created_at": now.isoformat()}
    with database.session() as session:
        row = session.get(Setting, SETTING_KEY)
        if row is None:
            session.add(Setting(key=SETTING_KEY, value=value))
        else:
            row.value = value
    return key, where


def kept_where(database: Database) -> str:
    return "the system keychain" if keychain.keychain_available() else str(key_file(database))


class ApiKeyCheck:
    """The per-request check, without a database read per accepted request.

    The stored hash is kept for `ttl` seconds (monotonic clock, injectable); a key that
    does not match the kept hash makes it read again at once, so a freshly rotated key
    works with its first request, and the old key stops working within `ttl`.
    """

    def __init__(self, database: Database, *, ttl: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic):
        self.database = database
        self.ttl = ttl
        self._monotonic = monotonic
        self._digest: str | None = None
        self._read_at = float("-inf")

    def _matches(self, given: str) -> bool:
        return self._digest is not None and hmac.compare_digest(self._digest, given)

    def _refresh(self) -> None:
        with self.database.session() as session:
            self._digest = _stored_digest(session)
        self._read_at = self._monotonic()

    def __call__(self, presented: str) -> bool:
        given = _digest(presented)
        if self._monotonic() - self._read_at < self.ttl and self._matches(given):
            return True
        self._refresh()
        return self._matches(given)
