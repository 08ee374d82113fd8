"""Reading the mailbox in the background, and the warning when nothing reads it.

Contract:
- `MailboxService(reader, wake)`: `start()` starts a thread that connects, reads
  (reader.read_once), then waits for new mail — with IMAP IDLE where the server offers it
  (checked every second so `stop()` is prompt, and re-issued within `poll_seconds`), else by
  polling every `poll_seconds` — and reads again. After a failure it reconnects with a
  doubling pause (up to `MAX_BACKOFF` s). `wake` is called after events were recorded (the
  engine may be waiting on them). `last_report`, `last_error` are for status displays.
  `stop()` ends the wait and joins the thread.
- `start_mailbox(database, clock, wake)` makes and starts the service from the stored
  settings and keychain password; None when no mailbox is set up.
- `mailbox_warning(database)`: the sentence the app shows while no mailbox is set up
  ("unsubscribe mails are not read yet"), or None.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from engine.clock import Clock
from engine.db.database import Database
from engine.mailbox.reader import MailboxReader, ReadReport
from engine.mailbox.settings import load_mailbox_settings, mailbox_password

log = logging.getLogger("trellis.mailbox")
MAX_BACKOFF = 300.0
WARNING = ("No mailbox set up: unsubscribe mails, bounces and spam complaints are not read "
           "yet (Settings ▸ Mailbox, or `mailbox set URL`)")


class MailboxService:
    def __init__(self, reader: MailboxReader, wake: Callable[[], None] = lambda: None):
        self.reader = reader
        self.wake = wake
        self.last_report: ReadReport | None = None
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="trellis-mailbox", daemon=True)
            self._thread.start()

    def stop(self, timeout: float | None = 30) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        pause = 5.0
        while not self._stop.is_set():
            try:
                self._session()
                pause = 5.0
            except Exception as error:  # noqa: BLE001 — report, reconnect later
                self.last_error = str(error)
                log.warning("mailbox: %s", error)
                self._stop.wait(pause)
                pause = min(pause * 2, MAX_BACKOFF)

    def _session(self) -> None:
        """One connection: read, wait for mail, read again, until stopped or broken."""
        client = self.reader.connect()
        try:
            idle = client.has_capability("IDLE")
            while not self._stop.is_set():
                self._read(client)
                if idle:
                    self._idle(client)
                else:
                    self._stop.wait(self.reader.settings.poll_seconds)
        finally:
            try:
                client.logout()
            except Exception:  # noqa: BLE001 — the connection may be gone already
                pass

    def _read(self, client) -> None:
        report = self.reader.read_once(client)
        self.last_report, self.last_error = report, None
        if report.events:
            log.info("mailbox: %d mail(s) read, %d event(s) recorded", report.read, report.events)
            self.wake()

    def _idle(self, client) -> None:
        client.idle()
        try:
            waited = 0.0
            while not self._stop.is_set() and waited < self.reader.settings.poll_seconds:
                if client.idle_check(timeout=1):
                    break  # something arrived (or changed): read it
                waited += 1
        finally:
            client.idle_done()


def start_mailbox(database: Database, clock: Clock,
                  wake: Callable[[], None] = lambda: None) -> MailboxService | None:
    with database.session() as session:
        settings = load_mailbox_settings(session)
    if settings is None:
        return None
    service = MailboxService(MailboxReader(database, clock, settings, mailbox_password(settings)),
                             wake)
    service.start()
    return service


def mailbox_warning(database: Database) -> str | None:
    with database.session() as session:
        return WARNING if load_mailbox_settings(session) is None else None
