"""Where Trellis reads replies and reports: the IMAP settings, and the IMAP password.

Contract:
- `MailboxSettings`: host, port, security (`tls` from the first byte, `starttls`, `none`),
  username, `address` (the address mailto unsubscribes go to; empty: the sender address),
  the folder read (`INBOX`) and the one handled mail moves to (`Trellis/Handled`), the
  poll interval, and `accept_plain_replies` (a reply saying "unsubscribe" from a contact's
  own address unsubscribes it, without the signed token). Stored in the `setting` table
  under `mailbox`, never with a password: `load_mailbox_settings` returns None when none is
  set; `save_mailbox_settings` validates first.
- `mailbox_password(settings)`: the keychain entry `imap:<user>@<host>:<port>`, else the
  environment variable `TRELLIS_IMAP_PASSWORD`; `store_mailbox_password` puts it in the
  keychain or raises `NoKeychain` (as for SMTP, it is never written to a file).
- `unsubscribe_address(session, app_settings)`: where mailto unsubscribes go — the
  mailbox's `address`, else the sender address of the app settings.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from engine.credentials import keychain
from engine.credentials.keychain import NoKeychain
from engine.db.setting_rows import load_row, save_row
from engine.errors import TrellisError
from engine.settings import AppSettings

KEY = "mailbox"
ENV = "TRELLIS_IMAP_PASSWORD"
DEFAULT_PORTS = {"tls": 993, "starttls": 143, "none": 143}


class MailboxSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1, max_length=253, title="IMAP server")
    port: int = Field(993, ge=1, le=65535, title="Port")
    security: Literal["tls", "starttls", "none"] = Field("tls", title="Encryption")
    username: str = Field(min_length=1, max_length=320, title="User name")
    address: str | None = Field(None, max_length=320, title="Address unsubscribe mails go to")
    folder: str = Field("INBOX", min_length=1, max_length=200, title="Folder to read")
    done_folder: str = Field("Trellis/Handled", min_length=1, max_length=200,
                             title="Move handled mail to")
    poll_seconds: float = Field(60.0, ge=5, le=3600, title="Check every (seconds)")
    accept_plain_replies: bool = Field(
        False, title="A reply saying \"unsubscribe\" from a contact's own address unsubscribes")
    timeout_seconds: float = Field(30.0, gt=0, le=600)
    ca_file: str | None = Field(None, title="CA certificates (PEM)")

    def describe(self) -> str:
        return f"{self.username} on {self.host}:{self.port} ({self.security})"


def load_mailbox_settings(session: Session) -> MailboxSettings | None:
    return load_row(session, KEY, MailboxSettings, None)


def unsubscribe_address(session: Session, settings: AppSettings) -> str:
    """Where mailto unsubscribes go: the mailbox Trellis reads, else the sender address."""
    mailbox = load_mailbox_settings(session)
    return (mailbox.address if mailbox and mailbox.address else None) or settings.sender_email


def save_mailbox_settings(session: Session, settings: MailboxSettings) -> None:
    save_row(session, KEY, settings)


def _entry(settings: MailboxSettings) -> str:
    return f"imap:{settings.username}@{settings.host}:{settings.port}"


def mailbox_password(settings: MailboxSettings) -> str | None:
    stored = keychain.get_secret(_entry(settings))
    return stored if stored is not None else (os.environ.get(ENV) or None)


def store_mailbox_password(settings: MailboxSettings, password: str) -> None:
    if not password:
        raise TrellisError("the IMAP password is empty")
    if not keychain.set_secret(_entry(settings), password):
        raise NoKeychain("this computer has no keychain to keep the IMAP password in; "
                         f"set the environment variable {ENV} for the Trellis process instead")
