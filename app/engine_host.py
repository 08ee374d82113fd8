"""The engine inside the app: what `main.py run` runs, on a background scheduler, reported
to the GUI as Qt signals.

Contract:
- `EngineHost(database, interval=2.0, deliver=False, http_bind=None)` is cheap to make:
  the window is built and shown before anything of the engine is imported. `engine` is
  the `Engine(database, SystemClock())` whose verbs (publish, pause, resume) the app
  calls, made on first use; `public_url` is the base of tracked links in emails: None
  (untracked: links as written, mailto unsubscribe) until the tracking self-test of the
  stored public URL passes (`tracking` holds engine.messaging.tracking's decision; `retest_tracking()`
  runs it again, `apply_tracking(mode)` takes a decision made elsewhere);
  `mailbox_warning()` is the status bar's "unsubscribe mails are not read yet" while no
  mailbox is set up. With delivery on, the mailbox is read too (`restart_mailbox()` after
  its settings changed).
  `start()` starts an `EngineRunner` on APScheduler's BackgroundScheduler and, as
  `main.py run` does, email delivery (`deliver`, with the stored SMTP settings) and the
  HTTP server (`http_bind` = (host, port)), through the same
  `engine.runtime.services_start.start_services`. The app starts it right after its window is
  shown; tests and screenshots leave delivery and the server off. If another runner holds
  the SQLite database (`RunnerLocked`), the host stays stopped and read-only for the
  engine: `state` is "locked" and the status says who holds it; the app still opens and
  works. No SMTP server, or a taken HTTP port, is said in the status (`notes`), never
  raised.
- The runner's `on_tick` runs on the scheduler thread. It counts the queued messages
  there (the GUI thread counts only once, at `start()`) and puts them with the report
  into a thread-safe queue; it never touches a Qt object. A GUI-thread timer drains the queue every `POLL_MS` and emits
  `ticked(TickReport)` and `status_changed(EngineStatus)`; the same timer keeps the
  "next tick" countdown and the last error current. Each count also reports the emails
  left `uncertain` (`EngineStatus.uncertain`), and delivery's own error is kept apart
  (`delivery_error`) for the tray's notifications.
- Journey notices (a guardrail paused a journey, an A/B test has a winner: rows the engine
  writes, engine/experiments/notices.py) are read on the scheduler thread at the first tick
  and after each tick that reported some, each handed out once, and emitted on the GUI
  thread as `notices_arrived(list[dict])`.
- Figures: the runner's analytics catch-up runs at start and every 30 s; after one that
  folded new rows (engine/analytics/catchup.py `on_folded`, scheduler thread, queued the
  same way) the host emits `figures_updated()` on the GUI thread, so the pages that show
  rollups re-read them.
- The master switch: `set_sending_paused(bool)` stores `AppSettings.sending_paused`
  (delivery holds queued email while it is on) and emits `status_changed`;
  `sending_paused()` reads the stored value.
- `restart_delivery()` (after Settings ▸ Sending saved a server) stops delivery and
  starts it again on the stored settings, when the host runs and delivers; the "no email
  server" note goes or comes with it.
- `wake()` asks for a tick now (after publishing or resuming). `stop()` shuts the
  scheduler down, waiting for a tick in progress, and releases the lock; it is safe to
  call twice, and the host is a one-shot (start, stop).
- `describe(status, now)` is the status bar's sentence and tone.
"""

from __future__ import annotations

import logging
import queue
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from engine.clock import SystemClock
from engine.db.database import Database
from engine.words import plural

if TYPE_CHECKING:
    from engine.runtime.engine import Engine, TickReport
    from engine.runtime.services_start import Services

log = logging.getLogger("trellis.app")
POLL_MS = 500
STOPPED, RUNNING, LOCKED = "stopped", "running", "locked"
NO_SERVER_NOTE = "no email server set up: email waits in the outbox"


@dataclass(frozen=True)
class EngineStatus:
    state: str = STOPPED
    sending_paused: bool = False
    next_tick: datetime | None = None
    #: messages waiting in the outbox; None before the first count
    queued: int | None = None
    last_error: str | None = None
    #: why the engine is read-only (another runner holds the database)
    locked_reason: str | None = None
    #: what does not run beside the engine, in words (no SMTP server, HTTP port taken)
    notes: tuple[str, ...] = ()
    #: why delivery's last try failed (the server cannot be reached…); None when it worked
    delivery_error: str | None = None
    #: emails whose send was interrupted and may or may not have arrived; None before a count
    uncertain: int | None = None


def describe(status: EngineStatus, now: datetime) -> tuple[str, str]:
    """(sentence, tone) for the status bar; tone is one of widgets.tokens.TONES."""
    queued = f" · {plural(status.queued, 'email')} queued" if status.queued is not None else ""
    if status.state == LOCKED:
        return (f"Engine read-only: another Trellis is running this database{queued}",
                "warning")
    if status.state == STOPPED:
        return "Engine: not running", "neutral"
    parts = ["Engine running"]
    if status.next_tick is not None:
        seconds = max(0, round((status.next_tick - now).total_seconds()))
        parts.append("next tick now" if seconds == 0 else f"next tick in {seconds} s")
    text = " · ".join(parts) + queued + "".join(f" · {note}" for note in status.notes)
    if status.last_error:
        return f"{text} · Last error: {status.last_error}", "danger"
    if status.sending_paused:
        return f"Sending paused — emails wait in the outbox · {text}", "warning"
    return text, "warning" if status.notes else "success"


class EngineHost(QObject):
    ticked = Signal(object)  # TickReport
    status_changed = Signal(object)  # EngineStatus
    notices_arrived = Signal(list)  # [notice dict] (engine/experiments/notices.py)
    figures_updated = Signal()  # the analytics rollups changed

    def __init__(self, database: Database, *, interval: float = 2.0, deliver: bool = False,
                 http_bind: tuple[str, int] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.database = database
        self.clock = SystemClock()
        #: the base of tracked links; None (links as written, mailto unsubscribe) until the
        #: tracking self-test passes (engine.messaging.tracking, run after the server starts)
        self.public_url: str | None = None
        self.tracking = None  # engine.messaging.tracking.TrackingMode, once decided
        self._interval = interval
        self._engine: Engine | None = None
        self._runner = None
        self._deliver, self._http_bind = deliver, http_bind
        self.services: Services | None = None
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        #: the first tick reads notices left while the app was closed
        self._notices_first = True
        self._status = EngineStatus(sending_paused=self._read_sending_paused())
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def engine(self) -> Engine:
        """The engine whose verbs the app calls (made on first use: its import is heavy)."""
        if self._engine is None:
            from engine.runtime.engine import Engine
            from engine.runtime.services import EngineServices, configured_render_workers

            try:  # emails render on every core (the pool starts at the first email)
                workers = configured_render_workers()
            except ValueError as error:
                logging.getLogger(__name__).warning("%s; rendering in the app's process", error)
                workers = 1
            self._engine = Engine(self.database, self.clock, services=EngineServices(
                public_url=self.public_url, render_workers=workers))
        return self._engine

    @property
    def delivery(self):
        return self.services.delivery if self.services is not None else None

    @property
    def http(self):
        return self.services.http if self.services is not None else None

    def _read_sending_paused(self) -> bool:
        from engine.settings import load_settings

        with self.database.session() as session:
            return load_settings(session).sending_paused

    # ---- lifecycle -------------------------------------------------------------------------

    @property
    def state(self) -> str:
        return self._status.state

    def status(self) -> EngineStatus:
        return self._status

    def start(self) -> None:
        if self._status.state != STOPPED or self._runner is not None:
            return
        from engine.analytics.catchup import catch_up_job
        from engine.runtime.runner import EngineRunner, RunnerLocked

        self._runner = EngineRunner(self.engine, interval=self._interval, on_tick=self._on_tick,
                                    extra_jobs=[catch_up_job(self.engine.database,
                                                             self._figures_folded)])
        try:
            self._runner.start()
        except RunnerLocked as locked:
            self._set_status(state=LOCKED, locked_reason=str(locked))
            self._on_tick(None)  # the outbox is counted once: the other app sends it
            self._poll()
            return
        self._set_status(state=RUNNING, next_tick=self._runner.next_tick_at(),
                         notes=self._start_services())
        self._on_tick(None)  # the first count of the outbox, shown at the first poll
        self._timer.start()

    def _start_services(self) -> tuple[str, ...]:
        from engine.runtime.services_start import start_services

        self.services = start_services(self.database, self.clock, self.wake,
                                       deliver=self._deliver, bind=self._http_bind,
                                       on_tracking=self._on_tracking)
        return self._service_notes()

    def _service_notes(self) -> tuple[str, ...]:
        """What the status bar says about delivery, the HTTP server and the mailbox."""
        notes = []
        if self._deliver and self.services.delivery is None:
            notes.append(NO_SERVER_NOTE)
        if self.services.http_error is not None:
            notes.append(f"links in emails do not work: {self.services.http_error}")
        if self._deliver and self.services.delivery is not None and self.services.mailbox_warning:
            notes.append(self.services.mailbox_warning)  # mail goes out, replies are not read
        return tuple(notes)

    def restart_delivery(self) -> None:
        if self._status.state != RUNNING or not self._deliver or self.services is None:
            return
        from engine.runtime.services_start import start_delivery

        if self.services.delivery is not None:
            self.services.delivery.stop()
            self.services.delivery = None
        self.services.delivery = start_delivery(self.database, self.clock)
        self.services.smtp = (self.services.delivery.worker.smtp
                              if self.services.delivery is not None else None)
        self._set_status(notes=self._service_notes())

    def apply_tracking(self, mode) -> None:
        """Point the engine's links at `mode` (engine.messaging.tracking.TrackingMode): e.g. the answer
        of Settings ▸ Tracking's test. Any thread: plain attributes only."""
        self._on_tracking(mode)

    def restart_mailbox(self) -> None:
        """Read the mailbox with its new settings (after Settings ▸ Mailbox saved them)."""
        if self.services is None or not self._deliver:
            return
        from engine.mailbox.service import mailbox_warning, start_mailbox

        if self.services.mailbox is not None:
            self.services.mailbox.stop()
        self.services.mailbox = start_mailbox(self.database, self.clock, self.wake)
        self.services.mailbox_warning = mailbox_warning(self.database)
        if self._status.state == RUNNING:
            self._set_status(notes=self._service_notes())

    def _on_tracking(self, mode) -> None:  # the self-test's thread: plain attributes only
        self.tracking = mode
        self.public_url = mode.public_url if mode.tracked else None
        if self._engine is not None:
            self._engine.services.public_url = self.public_url
        if mode.warning:
            log.warning("tracking: %s", mode.warning)

    def retest_tracking(self) -> None:
        """Self-test the stored public URL again (after Settings ▸ Tracking changed it)."""
        from engine.runtime.services_start import start_tracking_test

        if self.services is not None and self.services.tracking is not None:
            self.services.tracking.stop()
        watch = start_tracking_test(self.database, self._on_tracking)
        if self.services is not None:
            self.services.tracking = watch

    def mailbox_warning(self) -> str | None:
        """"Unsubscribe mails are not read yet" while no mailbox is set up, for the status bar."""
        from engine.mailbox.service import mailbox_warning

        return mailbox_warning(self.database)

    def stop(self) -> None:
        self._timer.stop()
        if self._status.state == RUNNING:
            # the reverse of start: requests in progress, the message in hand, the tick
            if self.services is not None:
                self.services.stop()
            self._runner.stop()
            self.engine.services.close()  # the render workers, if any started
            self._poll()  # a tick that finished while stopping still reports
            self._set_status(state=STOPPED, next_tick=None)

    def wake(self) -> None:
        if self._status.state == RUNNING:
            self._runner.wake()

    # ---- the master switch -----------------------------------------------------------------

    def sending_paused(self) -> bool:
        return self._status.sending_paused

    def set_sending_paused(self, paused: bool) -> None:
        from engine.settings import load_settings, save_settings

        with self.database.session() as session:
            settings = load_settings(session)
            save_settings(session, settings.model_copy(update={"sending_paused": paused}))
        self._set_status(sending_paused=paused)

    # ---- reports ---------------------------------------------------------------------------

    def _on_tick(self, report: TickReport | None) -> None:  # scheduler thread: no Qt here
        from engine.analytics.outbox import queued_messages, uncertain_messages

        delivery = self.delivery
        if delivery is not None and report is not None and report.steps:
            delivery.wake()  # the tick may have queued email: send it now
        try:
            with self.database.session() as session:
                queued = (queued_messages(session), uncertain_messages(session))
        except Exception:  # noqa: BLE001 — a count that failed must not stop the report
            log.exception("counting the outbox failed")
            queued = None
        self._inbox.put((report, queued))
        if report is not None and report.notices or self._notices_first:
            self._notices_first = False
            self._inbox.put(("notices", self._take_notices()))

    def _figures_folded(self) -> None:  # scheduler thread: no Qt here
        self._inbox.put(("figures", None))

    def _take_notices(self) -> list[dict]:
        """Notices not yet shown (scheduler thread): each is handed out once."""
        from engine.experiments.notices import take_notices

        try:
            with self.database.session() as session:
                return take_notices(session, self.clock.now())
        except Exception:  # noqa: BLE001 — a notice that failed must not stop the report
            log.exception("reading the journey notices failed")
            return []

    def _poll(self) -> None:
        reports = []
        while True:
            try:
                reports.append(self._inbox.get_nowait())
            except queue.Empty:
                break
        delivery = self.delivery
        delivery_error = delivery.last_error if delivery is not None else None
        runner_error = self._runner.last_error if self._runner is not None else None
        changes = {"last_error": runner_error or delivery_error,
                   "delivery_error": delivery_error}
        if self._status.state == RUNNING:
            changes["next_tick"] = self._runner.next_tick_at()
        notices = [n for kind, found in reports if kind == "notices" for n in found]
        figures = any(kind == "figures" for kind, _ in reports)
        reports = [(r, q) for r, q in reports if r not in ("notices", "figures")]
        counts = [queued for _report, queued in reports if queued is not None]
        if counts:
            changes["queued"], changes["uncertain"] = counts[-1]
        self._set_status(**changes)
        for report, _queued in reports:
            if report is not None:
                self.ticked.emit(report)
        if notices:
            self.notices_arrived.emit(notices)
        if figures:
            self.figures_updated.emit()

    def _set_status(self, **changes) -> None:
        status = replace(self._status, **changes)
        if status != self._status:
            self._status = status
            self.status_changed.emit(status)
