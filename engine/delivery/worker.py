"""Draining the outbox: claim, hand to SMTP over reused connections, settle.

Contract:
- `DeliveryWorker(database, clock, smtp, password=…)`. `drain(stop)` sends everything
  that is due and returns a `DrainReport`; it returns at once (`paused`) while
  `settings.sending_paused`, the master switch, is on — checked before every batch, so
  turning it on stops a drain within one batch. Each of `smtp.connections` threads keeps
  one SMTP connection open for the whole drain and loops: claim a batch (claims.py,
  committed as `sending` before any byte goes to SMTP), send each message (paced by the
  shared rate limit; each email's bytes are built while the server processes the one
  before), then in one transaction settle the batch's results and claim the next batch
  (one commit per batch). A refusal of one recipient never stops the others. If the server cannot be reached nothing is claimed
  (messages stay queued, no attempt is spent) and the report carries the error; if a
  connection breaks mid-batch and cannot be reopened, the rest of its batch is released.
  Setting `stop` ends the drain after the message in hand; unsent claimed messages are
  released, so a clean shutdown leaves nothing `sending`.
- Crash safety: a claimed batch is `sending` with a lease (`retry_at` = claim time +
  `lease`). `recover()` turns interrupted sends into `uncertain`: with `exclusive=True`
  (this process holds the database's runner lock) every `sending` row at start-up,
  otherwise only expired leases. The first `drain` recovers before it claims, and every
  drain sweeps expired leases. After a crash at most `batch_size` messages per connection
  are `uncertain`, some maybe never handed over: the user decides (claims.requeue/dismiss).
- `signer` (dkim_sign.DkimSigner): each email is DKIM-signed as it is built.
- Times written (sent_at, retry_at, Date header) come from the injected clock.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from engine.clock import Clock
from engine.db.database import Database
from engine.delivery import claims
from engine.delivery.dkim_sign import DkimSigner
from engine.delivery.mime import (
    Outgoing, Sender, UnsendableMessage, message_bytes, smtputf8_refusal, wire_address,
)
from engine.delivery.pacing import Pacer
from engine.delivery.results import SendResult
from engine.delivery.smtp_settings import SmtpSettings
from engine.delivery.transport import DeliveryError, SmtpConnection
from engine.settings import load_settings

log = logging.getLogger("trellis.delivery")
#: a message ready to hand over (bytes, needs SMTPUTF8), or why it cannot be sent
Prepared = tuple[bytes, bool, str, str] | SendResult  # data, SMTPUTF8?, to, from on the wire
LEASE = timedelta(minutes=15)
BATCH_SIZE = 20


@dataclass
class DrainReport:
    sent: int = 0
    bounced: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    suppressed: int = 0
    released: int = 0
    paused: bool = False
    #: why the server could not be used (nothing was claimed, or the rest was released)
    error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, result: SendResult | None) -> None:
        with self._lock:
            if result is None:
                self.released += 1
            elif result.outcome == "retry":
                self.retried += 1
            else:
                name = {"sent": "sent", "bounced": "bounced", "failed": "failed",
                        "uncertain": "uncertain"}[result.outcome]
                setattr(self, name, getattr(self, name) + 1)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    @property
    def handled(self) -> int:
        return self.sent + self.bounced + self.retried + self.failed + self.uncertain


class DeliveryWorker:
    def __init__(self, database: Database, clock: Clock, smtp: SmtpSettings, *,
                 password: str | None = None, batch_size: int = BATCH_SIZE,
                 lease: timedelta = LEASE, exclusive: bool = False,
                 monotonic: Callable[[], float] = time.monotonic,
                 signer: DkimSigner | None = None):
        self.database = database
        self.clock = clock
        self.smtp = smtp
        self.password = password
        self.batch_size = batch_size
        self.lease = lease
        self.exclusive = exclusive
        self.signer = signer
        self.pacer = Pacer(smtp.rate_per_second, monotonic=monotonic)
        self._recovered = False

    def recover(self) -> int:
        """Interrupted sends → `uncertain` (see the module docstring); how many."""
        with self.database.session() as session:
            count = claims.recover_interrupted(session, self.clock.now(),
                                               expired_only=not self.exclusive)
        self._recovered = True
        if count:
            log.warning("%d message(s) were being sent when delivery stopped; they are now "
                        "'uncertain' and wait for a decision", count)
        return count

    def drain(self, stop: threading.Event | None = None) -> DrainReport:
        stop = stop or threading.Event()
        report = DrainReport()
        if not self._recovered:
            report.uncertain += self.recover()
        now = self.clock.now()
        with self.database.session() as session:
            if load_settings(session).sending_paused:
                report.paused = True
                return report
            report.uncertain += claims.recover_interrupted(session, now, expired_only=True)
            if not claims.has_due(session, now):
                return report
        threads = [threading.Thread(target=self._connection_loop, args=(stop, report),
                                    name=f"trellis-smtp-{n}", daemon=True)
                   for n in range(1, self.smtp.connections)]
        for thread in threads:
            thread.start()
        self._connection_loop(stop, report)
        for thread in threads:
            thread.join()
        return report

    def _connection_loop(self, stop: threading.Event, report: DrainReport) -> None:
        connection = SmtpConnection(self.smtp, self.password)
        try:
            connection.open()
        except DeliveryError as error:
            report.error = str(error)
            return
        pending: list[claims.Settled] = []
        try:
            while True:
                now, suppressed = self.clock.now(), 0
                # one transaction records the last batch's results and claims the next
                with self.database.session() as session:
                    claims.settle(session, pending)
                    batch: list[Outgoing] = []
                    if not stop.is_set():
                        settings = load_settings(session)
                        report.paused = report.paused or settings.sending_paused
                        if not settings.sending_paused:
                            batch, suppressed = claims.claim(session, now, self.batch_size,
                                                             now + self.lease, settings)
                            report.add(suppressed=suppressed)
                pending = []
                if not batch:
                    if suppressed and not stop.is_set():
                        continue  # that batch was all suppressed: there may be more
                    return
                pending = self._send_batch(connection, batch, Sender.of(settings), stop, report)
        except Exception as error:  # noqa: BLE001 — report it; the next drain starts afresh
            log.exception("delivery stopped on an unexpected error")
            report.error = f"{type(error).__name__}: {error}"
        finally:
            if pending:  # the combined transaction failed: record the results on their own
                self._settle(pending)
            connection.close()

    def _send_batch(self, connection: SmtpConnection, batch: list[Outgoing], sender: Sender,
                    stop: threading.Event, report: DrainReport) -> list[claims.Settled]:
        settled: list[claims.Settled] = []
        usable = True
        ahead: dict[int, Prepared] = {}

        def prepare(index: int) -> Prepared:
            if index not in ahead:
                ahead[index] = self._prepare(batch[index], sender)
            return ahead[index]

        for index, message in enumerate(batch):
            if not usable or not self.pacer.wait(stop):
                result = None  # released: never handed to SMTP
            else:
                following = index + 1 if index + 1 < len(batch) else None
                result = self._send_one(connection, message, prepare(index), sender,
                                        # build the next email while the server works
                                        lambda: following is not None and prepare(following))
                if not connection.is_open and result.outcome in ("retry", "uncertain"):
                    try:
                        connection.open()
                    except DeliveryError as error:
                        report.error, usable = str(error), False
            ahead.pop(index, None)
            report.count(result)
            settled.append(claims.Settled(message, result, self.clock.now()))
        return settled

    def _prepare(self, message: Outgoing, sender: Sender) -> Prepared:
        """The email's bytes and whether it needs SMTPUTF8, or why it cannot be sent."""
        try:
            data = message_bytes(message, sender, self.clock.now())
            if self.signer is not None:
                data = self.signer.sign(data, sender.domain)
        except UnsendableMessage as error:
            return SendResult("failed", str(error))
        except Exception as error:  # noqa: BLE001 — one bad row fails itself, not the batch
            log.exception("could not build message %s", message.id)
            return SendResult("failed", f"could not build the email: {error}")
        to, to_utf8 = wire_address(message.to_address)  # checked by message_bytes already
        from_addr, from_utf8 = wire_address(sender.address)
        return data, to_utf8 or from_utf8, to, from_addr

    def _send_one(self, connection: SmtpConnection, message: Outgoing, prepared: Prepared,
                  sender: Sender, meanwhile: Callable[[], object]) -> SendResult:
        if isinstance(prepared, SendResult):
            return prepared
        data, utf8, to, from_addr = prepared
        if utf8 and not connection.supports_smtputf8():
            needs_it = message.to_address if wire_address(message.to_address)[1] else sender.address
            return SendResult("failed", smtputf8_refusal(needs_it))
        try:
            return connection.send(from_addr, to, data, smtputf8=utf8,
                                   meanwhile=meanwhile)
        except Exception as error:  # noqa: BLE001 — where it stopped is unknown: never resend
            log.exception("unexpected failure while sending message %s", message.id)
            connection.close()
            return SendResult("uncertain", f"unexpected failure while sending: {error}")

    def _settle(self, settled: list[claims.Settled]) -> None:
        try:
            with self.database.session() as session:
                claims.settle(session, settled)
        except Exception:  # noqa: BLE001 — rows stay `sending`, and their lease ends as `uncertain`
            log.exception("could not record the results of %d message(s)", len(settled))
