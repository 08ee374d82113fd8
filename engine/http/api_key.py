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
- The plain key is written and fsynced BEFORE its hash is saved (`<file>.new`, renamed
  into place once the hash is saved; a crash in between leaves a `.new` file that
  `read_api_key` still finds), so a full disk can never leave a hash without its key.
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

from engine.credentials import keychain
from engine.db.database import APP_NAME, Database
from engine.db.inserts import insert_if_absent
from engine.db.models import Setting

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


def _write_synced(path: Path, text: str) -> None:
    """Write `text` to `path` (0600 from the start) and make it durable before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # created 0600 from the start (never world-readable, not even for a moment)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # an older file may have had wider permissions
        data = text.encode("ascii")
        while data:  # a short write on a nearly full disk is an error, not a short key
            written = os.write(descriptor, data)
            data = data[written:]
        os.fsync(descriptor)
    except BaseException:
        os.close(descriptor)
        path.unlink(missing_ok=True)
        raise
    os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _pending_file(database: Database) -> Path:
    path = key_file(database)
    return path.with_name(path.name + ".new")


def _keep(database: Database, key: str) -> str:
    """Store the plain key for the user, durably; returns where (for messages).

    Raises OSError (a full disk…) before anything is stored in the database: callers
    save the key's hash only after this returned.
    """
    if keychain.set_secret(f"api-key:{_identity(database)}", key):
        return "the system keychain"
    path = key_file(database)
    pending = _pending_file(database)
    _write_synced(pending, key + "\n")
    os.replace(pending, path)
    _sync_folder(path.parent)
    return str(path)


def _kept_candidates(database: Database) -> list[str]:
    key = keychain.get_secret(f"api-key:{_identity(database)}")
    if key is not None:
        return [key]
    found = []
    # the .new file: a key whose hash was saved just before a crash renamed it into place
    for path in (key_file(database), _pending_file(database)):
        try:
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            found.append(text)
    return found


def _kept(database: Database) -> str | None:
    candidates = _kept_candidates(database)
    return candidates[0] if candidates else None


def _stored_digest(session: Session) -> str | None:
    value = session.scalar(select(Setting.value).where(Setting.key == SETTING_KEY))
    return value.get("sha256") if isinstance(value, dict) else None


def key_matches(session: Session, presented: str) -> bool:
    stored = _stored_digest(session)
    return stored is not None and hmac.compare_digest(stored, _digest(presented))


def read_api_key(database: Database) -> str | None:
    candidates = _kept_candidates(database)
    if not candidates:
        return None
    with database.session() as session:
        return next((key for key in candidates if key_matches(session, key)), None)


def ensure_api_key(database: Database, now: datetime) -> tuple[str | None, bool]:
    with database.session() as session:
        exists = _stored_digest(session) is not None
    if exists:
        return read_api_key(database), False
    key = new_key()
    # The key is written and synced BEFORE its hash is saved: on a full disk the write
    # fails and nothing is saved, so the next run simply tries again. (The other order
    # lost the key: a hash saved, its key file empty.)
    use_keychain = keychain.keychain_available()
    if use_keychain:
        _keep(database, key)
    else:
        _write_synced(_pending_file(database), key + "\n")
    with database.session() as session:
        created = insert_if_absent(session, Setting, key=SETTING_KEY,
                                   value={"sha256": _digest(key), "created_at": now.isoformat()})
    if not created:  # another process made the key first: keep its file, drop ours
        if not use_keychain:
            _pending_file(database).unlink(missing_ok=True)
        return read_api_key(database), False
    if not use_keychain:
        path = key_file(database)
        os.replace(_pending_file(database), path)
        _sync_folder(path.parent)
    return key, True


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
