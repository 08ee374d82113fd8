"""The secret that signs the links in emails (unsubscribe, click, open, view): made once,
kept in the `setting` table, and rotated on request.

Contract: `get_or_create_secret(session)` returns the signing secret (32 random bytes),
made on first use; two processes racing on first run agree on one secret (the loser reads
the winner's row). `rotate_link_secret(database)` replaces the `link_secret` setting with
32 new random bytes, in one transaction, and returns nothing secret. From then on every
link in every email ALREADY SENT stops working: its unsubscribe link shows "not found",
clicks land on a not-found page, opens stop counting. That is the point: rotate after the
database file (which holds the secret in plain text) was copied somewhere it should not
be, because whoever holds the secret can forge unsubscribe and click links. A running
HTTP server picks the new secret up within `engine.http.context.SECRET_TTL_SECONDS`.
Signing and checking links with it is engine/messaging/tokens.py's job.
"""

from __future__ import annotations

import base64
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.db.database import Database
from engine.db.inserts import insert_if_absent
from engine.db.models import Setting

SECRET_KEY = "link_secret"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def get_or_create_secret(session: Session) -> bytes:
    """The link-signing secret; created (32 random bytes) the first time it is asked for."""
    stored = session.scalar(select(Setting.value).where(Setting.key == SECRET_KEY))
    if stored is None:
        insert_if_absent(session, Setting, key=SECRET_KEY, value=_b64(secrets.token_bytes(32)))
        # whoever won a first-run race, everyone reads the one stored value
        stored = session.scalar(select(Setting.value).where(Setting.key == SECRET_KEY))
    return _unb64(stored)


def rotate_link_secret(database: Database) -> None:
    value = _b64(secrets.token_bytes(32))
    with database.session() as session:
        get_or_create_secret(session)  # the row exists from here on
        session.execute(update(Setting).where(Setting.key == SECRET_KEY).values(value=value))
