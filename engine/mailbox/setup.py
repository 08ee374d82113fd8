"""What Settings ▸ Mailbox needs, as one object (no Qt): load, save, test the connection.

Contract: `MailboxSetup(database)`. `load()` → (settings or None, whether a password is
found). `save(settings, password=None)` validates, stores the settings and, when given,
the password in the keychain (`NoKeychain` when there is none: then nothing is stored,
and the message says to use TRELLIS_IMAP_PASSWORD). `test(settings, password=None)`
connects with the password given or the stored one and returns reader.check_mailbox's
sentence, or raises MailboxError in plain words. `clear()` removes the settings.
"""

from __future__ import annotations

from engine.db.models import Setting
from engine.mailbox.reader import check_mailbox
from engine.mailbox.settings import (
    KEY,
    MailboxSettings,
    load_mailbox_settings,
    mailbox_password,
    save_mailbox_settings,
    store_mailbox_password,
)


class MailboxSetup:
    def __init__(self, database):
        self.database = database

    def load(self) -> tuple[MailboxSettings | None, bool]:
        with self.database.session() as session:
            settings = load_mailbox_settings(session)
        return settings, bool(settings and mailbox_password(settings))

    def save(self, settings: MailboxSettings, password: str | None = None) -> None:
        settings = MailboxSettings.model_validate(settings.model_dump())
        if password:
            store_mailbox_password(settings, password)  # first: a failure stores nothing
        with self.database.session() as session:
            save_mailbox_settings(session, settings)

    def test(self, settings: MailboxSettings, password: str | None = None) -> str:
        return check_mailbox(settings, password or mailbox_password(settings))

    def clear(self) -> None:
        with self.database.session() as session:
            row = session.get(Setting, KEY)
            if row is not None:
                session.delete(row)
