"""One pass over the mailbox: each new mail classified, acted on once, and moved.

Contract:
- `open_imap(settings, password)` connects with IMAPClient (TLS, STARTTLS or plain, the
  system's CAs or the settings' `ca_file`) and logs in; `MailboxError` in plain words
  otherwise. `check_mailbox(settings, password)` connects, checks the folder, and returns a
  one-line description (Settings ▸ Mailbox "Test connection").
- `MailboxReader(database, clock, settings, password).read_once(client)` reads the mails
  of `settings.folder` not read before (by UID; the UIDVALIDITY and last UID are kept in
  the setting `mailbox_state`), classifies each (classify.py) and, in one transaction per
  mail, records the reserved event and the mail's Message-ID in `mailbox_message`:
  `unsubscribed`, `email_bounced` (`type` hard or soft) or `spam_complaint`, source
  `mailbox`, the evidence as properties. A Message-ID already there acts no more (at most
  once per mail, whatever the folder or the crash). A contact already in the state the mail
  asks for gets no second event; a soft bounce always counts. A bounce or complaint for
  an address that is no contact, a plain reply from a non-contact, and the code of a test
  email (`smtp send-test`) change nothing.
- Handled mail (unsubscribe, bounce, complaint, auto-reply) moves to `done_folder` (made
  when missing); other mail stays where it is, for people. Mail is fetched with
  BODY.PEEK, so nothing is marked read by Trellis.
- Times come from the injected clock.
"""

from __future__ import annotations

import hashlib
import logging
import ssl
from dataclasses import dataclass, field
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.clock import Clock
from engine.contacts.emails import normalise_email
from engine.credentials.link_secret import get_or_create_secret
from engine.db.database import Database
from engine.db.models import Contact, ContactStatus, MailboxMessage, Setting
from engine.errors import InputError, TrellisError
from engine.intake.events import EMAIL_BOUNCED, SPAM_COMPLAINT, UNSUBSCRIBED, EventInput, record_events
from engine.mailbox import classify as kinds
from engine.mailbox.settings import MailboxSettings
from engine.messaging.tokens import is_test_key

log = logging.getLogger("trellis.mailbox")
STATE_KEY = "mailbox_state"
SOURCE = "mailbox"
FETCH_CHUNK = 50
_EVENT = {kinds.UNSUBSCRIBE: UNSUBSCRIBED, kinds.BOUNCE_HARD: EMAIL_BOUNCED,
          kinds.BOUNCE_SOFT: EMAIL_BOUNCED, kinds.COMPLAINT: SPAM_COMPLAINT}
#: the status a contact already has when the mail has nothing left to do
_ALREADY = {kinds.UNSUBSCRIBE: ContactStatus.SUPPRESSED, kinds.BOUNCE_HARD: (ContactStatus.BOUNCED,),
            kinds.COMPLAINT: (ContactStatus.COMPLAINED,), kinds.BOUNCE_SOFT: ()}


class MailboxError(TrellisError):
    """The mailbox cannot be read (connection, TLS, login, folder)."""


@dataclass
class ReadReport:
    read: int = 0
    events: int = 0
    moved: int = 0
    duplicates: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def open_imap(settings: MailboxSettings, password: str | None) -> IMAPClient:
    where = f"{settings.host}:{settings.port}"
    context = ssl.create_default_context(cafile=settings.ca_file)
    try:
        client = IMAPClient(settings.host, port=settings.port, ssl=settings.security == "tls",
                            ssl_context=context, timeout=settings.timeout_seconds)
        if settings.security == "starttls":
            client.starttls(context)
    except ssl.SSLError as error:
        raise MailboxError(f"TLS with {where} failed: {error.reason or error}") from None
    except (OSError, IMAPClientError) as error:
        raise MailboxError(f"cannot connect to the mailbox at {where}: {error}") from None
    if password is None:
        client.logout()
        raise MailboxError(f"there is no password for {settings.username} on {where}: store it "
                           "in Settings ▸ Mailbox or set TRELLIS_IMAP_PASSWORD")
    try:
        client.login(settings.username, password)
    except LoginError:
        client.logout()
        raise MailboxError(f"{where} did not accept the user name or password for "
                           f"{settings.username}") from None
    return client


def check_mailbox(settings: MailboxSettings, password: str | None) -> str:
    client = open_imap(settings, password)
    try:
        if not client.folder_exists(settings.folder):
            raise MailboxError(f"logged in, but there is no folder {settings.folder!r}")
        info = client.select_folder(settings.folder, readonly=True)
        idle = "IDLE" if client.has_capability("IDLE") else "polling"
        return (f"connected to {settings.describe()}: {info.get(b'EXISTS', 0)} mail(s) in "
                f"{settings.folder}, new mail noticed by {idle}")
    finally:
        client.logout()


def _hash(message_id: str) -> str:
    return hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()


class MailboxReader:
    def __init__(self, database: Database, clock: Clock, settings: MailboxSettings,
                 password: str | None = None):
        self.database = database
        self.clock = clock
        self.settings = settings
        self.password = password
        with database.session() as session:
            self._secret = get_or_create_secret(session)

    def connect(self) -> IMAPClient:
        return open_imap(self.settings, self.password)

    def read_once(self, client: IMAPClient) -> ReadReport:
        report = ReadReport()
        info = client.select_folder(self.settings.folder)
        validity = int(info.get(b"UIDVALIDITY", 0))
        state = self._state()
        last = state.get("last_uid", 0) if state.get("uidvalidity") == validity else 0
        uids = [uid for uid in client.search(["UID", f"{last + 1}:*"]) if uid > last]
        to_move: list[int] = []
        for start in range(0, len(uids), FETCH_CHUNK):
            chunk = uids[start:start + FETCH_CHUNK]
            fetched = client.fetch(chunk, ["BODY.PEEK[]"])
            for uid in chunk:
                raw = fetched.get(uid, {}).get(b"BODY[]")
                if raw is None:
                    continue
                report.read += 1
                if self._handle(raw, report):
                    to_move.append(uid)
                last = max(last, uid)
            self._save_state(validity, last)
        if to_move:
            self._move(client, to_move)
            report.moved = len(to_move)
        return report

    def _handle(self, raw: bytes, report: ReadReport) -> bool:
        """Act on one mail; True when it is ours to move out of the way."""
        verdict = kinds.classify(raw, self._secret,
                                 accept_plain_replies=self.settings.accept_plain_replies)
        report.outcomes[verdict.kind] = report.outcomes.get(verdict.kind, 0) + 1
        if verdict.kind == kinds.OTHER:
            return False
        message_id = verdict.message_id or f"<no-id-{hashlib.sha256(raw).hexdigest()}>"
        now = self.clock.now()
        try:
            with self.database.session() as session:
                if session.get(MailboxMessage, _hash(message_id)) is not None:
                    report.duplicates += 1
                    return True
                contact_id = self._act(session, verdict, now) if verdict.kind in _EVENT else None
                if contact_id is not None:
                    report.events += 1
                session.add(MailboxMessage(message_hash=_hash(message_id),
                                           message_id=message_id[:500], outcome=verdict.kind,
                                           contact_id=contact_id, handled_at=now))
        except IntegrityError:  # another reader recorded the same Message-ID first
            report.duplicates += 1
        return True

    def _act(self, session, verdict: kinds.Verdict, now) -> int | None:
        key = verdict.evidence.get("message_key")
        if isinstance(key, str) and is_test_key(key):
            return None  # a test email (smtp send-test) never changes a contact
        contact = self._contact(session, verdict)
        if contact is None:
            log.info("mailbox: %s for %s, who is no contact: nothing to do", verdict.kind,
                     verdict.address or verdict.contact_id)
            return None
        if contact.status in _ALREADY[verdict.kind]:
            return None
        properties: dict[str, Any] = {k: v for k, v in verdict.evidence.items() if v}
        properties["source"] = SOURCE
        if verdict.kind in (kinds.BOUNCE_HARD, kinds.BOUNCE_SOFT):
            properties["type"] = "hard" if verdict.kind == kinds.BOUNCE_HARD else "soft"
        record_events(session, [EventInput(contact.email, _EVENT[verdict.kind], properties, now)],
                      now=now, source=SOURCE)
        return contact.id

    def _contact(self, session, verdict: kinds.Verdict) -> Contact | None:
        if verdict.contact_id is not None:
            return session.get(Contact, verdict.contact_id)
        if not verdict.address:
            return None
        try:
            email = normalise_email(verdict.address)
        except InputError:
            return None
        return session.scalar(select(Contact).where(Contact.email == email))

    def _move(self, client: IMAPClient, uids: list[int]) -> None:
        folder = self.settings.done_folder
        if not client.folder_exists(folder):
            client.create_folder(folder)
        if client.has_capability("MOVE"):
            client.move(uids, folder)
        else:
            client.copy(uids, folder)
            client.delete_messages(uids)
            client.expunge()

    def _state(self) -> dict:
        with self.database.session() as session:
            row = session.get(Setting, STATE_KEY)
            return dict(row.value) if row and row.value else {}

    def _save_state(self, validity: int, last: int) -> None:
        with self.database.session() as session:
            row = session.get(Setting, STATE_KEY)
            value = {"uidvalidity": validity, "last_uid": last}
            if row is None:
                session.add(Setting(key=STATE_KEY, value=value))
            else:
                row.value = value
