"""What runs beside the engine's runner — email delivery and the HTTP server — started the
same way by `main.py run` (app/cli/run.py) and by the desktop app (app/engine_host.py).

Contract:
- `start_services(database, clock, wake, *, deliver=True, smtp=None, password=None,
  smtp_changes=None, bind=None)` starts, in this order:
  1. delivery (`deliver`): a `DeliveryService` on `smtp`, else on the stored SMTP settings,
     with `smtp_changes` applied (e.g. `connections`, `rate_per_second`); the password is
     `password`, else the keychain's or TRELLIS_SMTP_PASSWORD. Its first drain turns sends a
     crash interrupted into `uncertain`. No SMTP server set up: no delivery (email stays
     queued in the outbox), not an error.
  2. the HTTP server on `bind` = (host, port) (None: no server), with the API key created
     on first start. A taken address is not raised: it is kept in `http_error`
     (`BindError`) and the rest runs without the server.
  3. the tracking self-test (engine.messaging.tracking.resolve, of `public_url` given explicitly or
     the stored one), on its own thread after the server is up (the URL is meant to reach
     it, and a slow answer must not hold the start), repeated every `RETEST_SECONDS`
     (`TrackingWatch`); `on_tracking(TrackingMode)` gets the decision and each change
     (the caller points the engine's links at it). Until then, and whenever it fails,
     emails go out untracked.
  4. the mailbox reader (`read_mail`, engine.mailbox.service) when a mailbox is set up.
  It returns `Services` (`delivery`, `http`, `smtp`, `api_key_created`, `http_error`,
  `mailbox`, `mailbox_warning`, `tracking`); `Services.stop()` stops them in reverse order (the server finishes the requests in
  progress, delivery the message in hand) and may be called twice.
- The caller owns the runner (and, for SQLite, its lock: that lock makes this process the
  only sender of the file, so delivery runs `exclusive`), says what happened in its own
  words, and calls `stop()` before stopping the runner.
No Qt here; uvicorn and FastAPI are imported only when a server is started.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

from engine.clock import Clock
from engine.db.database import Database

log = logging.getLogger("trellis")
#: how often a running Trellis checks that its public URL still reaches it
RETEST_SECONDS = 900.0

if TYPE_CHECKING:
    from engine.delivery.service import DeliveryService
    from engine.delivery.smtp_settings import SmtpSettings
    from engine.http.server import BindError, HttpServer
    from engine.mailbox.service import MailboxService
    from engine.messaging.tracking import TrackingMode


@dataclass
class Services:
    delivery: DeliveryService | None = None
    http: HttpServer | None = None
    #: the SMTP settings delivery sends with (None: no SMTP server set up)
    smtp: SmtpSettings | None = None
    #: the intake API's key was created by this start (so it was never shown yet)
    api_key_created: bool = False
    #: why there is no HTTP server although one was asked for (the address is taken)
    http_error: BindError | None = None
    mailbox: MailboxService | None = None
    tracking: TrackingWatch | None = None
    #: "unsubscribe mails are not read yet" while no mailbox is set up (read_mail asked)
    mailbox_warning: str | None = None

    def stop(self) -> None:
        for name in ("tracking", "mailbox", "http", "delivery"):
            part = getattr(self, name)
            if part is not None:
                part.stop()
                setattr(self, name, None)


def start_delivery(database: Database, clock: Clock, smtp: SmtpSettings | None = None,
                   password: str | None = None,
                   smtp_changes: Mapping[str, Any] | None = None) -> DeliveryService | None:
    from engine.delivery.password import smtp_password
    from engine.delivery.service import DeliveryService
    from engine.delivery.smtp_settings import load_smtp_settings
    from engine.delivery.worker import DeliveryWorker

    if smtp is None:
        with database.session() as session:
            smtp = load_smtp_settings(session)
        if smtp is None:
            return None
    if smtp_changes:
        smtp = smtp.model_copy(update=dict(smtp_changes))
    from engine.delivery.dkim_sign import DkimError, load_signer

    try:
        with database.session() as session:
            signer = load_signer(session)
    except DkimError as error:
        log.warning("%s: sending unsigned", error)
        signer = None
    worker = DeliveryWorker(database, clock, smtp, password=password or smtp_password(smtp),
                            signer=signer,
                            # the runner lock makes this process the only one sending from
                            # an SQLite file: every `sending` row at start-up was interrupted
                            exclusive=database.is_sqlite)
    service = DeliveryService(worker)
    service.start()
    return service


def start_http(database: Database, clock: Clock, wake: Callable[[], None],
               bind: tuple[str, int]) -> tuple[HttpServer, bool]:
    """(the running server, whether the API key was created now); BindError if taken."""
    from engine.http.api_key import ensure_api_key
    from engine.http.app import create_app
    from engine.http.server import HttpServer

    _key, created = ensure_api_key(database, clock.now())
    server = HttpServer(create_app(database, clock, wake), bind[0], bind[1])
    server.start()
    return server, created


def start_services(database: Database, clock: Clock, wake: Callable[[], None], *,
                   deliver: bool = True, smtp: SmtpSettings | None = None,
                   password: str | None = None, smtp_changes: Mapping[str, Any] | None = None,
                   bind: tuple[str, int] | None = None, read_mail: bool | None = None,
                   public_url: str | None = None,
                   on_tracking: Callable[[TrackingMode], None] | None = None) -> Services:
    services = Services()
    try:
        if deliver:
            services.delivery = start_delivery(database, clock, smtp, password, smtp_changes)
            if services.delivery is not None:
                services.smtp = services.delivery.worker.smtp
        if bind is not None:
            from engine.http.server import BindError

            try:
                services.http, services.api_key_created = start_http(database, clock, wake,
                                                                     bind)
            except BindError as error:
                services.http_error = error
        if on_tracking is not None:
            services.tracking = start_tracking_test(database, on_tracking, public_url)
        if deliver if read_mail is None else read_mail:
            from engine.mailbox.service import mailbox_warning, start_mailbox

            services.mailbox = start_mailbox(database, clock, wake)
            services.mailbox_warning = mailbox_warning(database)
    except BaseException:
        services.stop()
        raise
    return services


class TrackingWatch:
    """The tracking self-test now, then again every `every` seconds, on its own thread.

    `on_tracking(mode)` gets the first decision and every later one that differs, so a
    tunnel or proxy that stops answering turns tracking off within `every` seconds (emails
    queued meanwhile carry dead links no longer than that), and one that comes back turns
    it on again. `stop()` ends the wait at once. Never raises: a failed test is "off".
    """

    def __init__(self, database: Database, on_tracking: Callable[[TrackingMode], None],
                 public_url: str | None = None, every: float = RETEST_SECONDS):
        self.database, self.on_tracking = database, on_tracking
        self.public_url, self.every = public_url, every
        self.mode: TrackingMode | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="trellis-tracking-test",
                                        daemon=True)

    def start(self) -> "TrackingWatch":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(15)

    def test_once(self) -> TrackingMode:
        from engine.credentials.link_secret import get_or_create_secret
        from engine.messaging.tracking import TrackingMode, resolve

        try:
            with self.database.session() as session:
                secret = get_or_create_secret(session)
            return resolve(self.database.session, secret, self.public_url)
        except Exception as error:  # noqa: BLE001 — untracked is the safe answer
            log.exception("tracking self-test failed")
            return TrackingMode(False, None, f"tracking is off: the self-test failed: {error}")

    def _run(self) -> None:
        while not self._stop.is_set():
            mode = self.test_once()
            if self._stop.is_set():
                return
            if self.mode is None or (mode.tracked, mode.public_url) != \
                    (self.mode.tracked, self.mode.public_url):
                if self.mode is not None:
                    log.warning("tracking is now %s: %s", "on" if mode.tracked else "off",
                                mode.reason)
                self.on_tracking(mode)
            self.mode = mode
            self._stop.wait(self.every)


def start_tracking_test(database: Database, on_tracking: Callable[[TrackingMode], None],
                        public_url: str | None = None,
                        every: float = RETEST_SECONDS) -> TrackingWatch:
    """Self-test the public URL now and every `every` seconds (TrackingWatch)."""
    return TrackingWatch(database, on_tracking, public_url, every).start()
