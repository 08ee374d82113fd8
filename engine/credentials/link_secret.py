"""Rotating the secret that signs the links in emails (unsubscribe, click, open, view).

Contract: `rotate_link_secret(database)` replaces the `link_secret` setting with 32 new
random bytes, in one transaction, and returns nothing secret. From then on every link in
every email ALREADY SENT stops working: its unsubscribe link shows "not found", clicks land on a not-found page, opens stop counting.
That is the point: rotate after the database file (which holds the secret in plain text)
was copied somewhere it should not be, because whoever holds the secret can forge
unsubscribe and click links. A running HTTP server picks the new secret up within
`engine.http.context.SECRET_TTL_SECONDS`.
"""

from __future__ import annotations

import base64
import secrets

from sqlalchemy import update

from engine.db.database import Database
from engine.db.models import Setting
from engine.messaging.tokens import SECRET_KEY, get_or_create_secret


def rotate_link_secret(database: Database) -> None:
    value = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode("ascii")
    with database.session() as session:
        get_or_create_secret(session)  # the row exists from here on
        session.execute(update(Setting).where(Setting.key == SECRET_KEY).values(value=value))
