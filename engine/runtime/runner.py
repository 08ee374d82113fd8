"""The engine's heartbeat: APScheduler calls `Engine.tick()`; one runner per SQLite file.

Contract:
- `EngineRunner(engine)` schedules ONE interval job (`tick`, every `interval` seconds,
  `coalesce=True`, `max_instances=1`, no misfire loss) on a `BackgroundScheduler` (GUI)
  or runs it in the foreground (`run_forever`, `main.py run`). `wake()` moves the next run
  to now, so an arriving event is handled at once. Per-contact jobs are never scheduled:
  the database (`enrollment.due_at`) is the clock.
- On SQLite, `acquire_runner_lock()` takes an exclusive lock on `<db>.runner.lock`; a
  second runner on the same file refuses to start with a message naming the holder.
  PostgreSQL needs no lock: workers share the queue with `FOR UPDATE SKIP LOCKED`.
- A failing tick is logged and retried on the next beat; `last_error` keeps it for the UI.
- Queued webhooks are sent by a second job, so a slow endpoint never delays a tick.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler

from engine.errors import TrellisError
from engine.runtime.engine import Engine, TickReport
from engine.runtime.quiet_logs import demote_routine_logs
from engine.runtime.webhooks import send_due_webhooks

log = logging.getLogger("trellis.engine")
JOB_ID = "trellis-tick"


class RunnerLocked(TrellisError):
    pass


class RunnerLock:
    def __init__(self, path: Path):
        self.path = path
        self._handle = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise RunnerLocked(
                f"another Trellis engine ({holder}) is already running on this database; "
                "close it first (one runner per SQLite database)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def acquire_runner_lock(engine: Engine) -> RunnerLock | None:
    path = engine.database.sqlite_path
    if path is None:
        return None
    lock = RunnerLock(path.with_name(path.name + ".runner.lock"))
    lock.acquire()
    return lock


class EngineRunner:
    def __init__(self, engine: Engine, *, interval: float = 2.0,
                 extra_jobs: list[tuple[Callable[[], object], float]] | None = None,
                 on_tick: Callable[[TickReport], None] | None = None):
        self.engine = engine
        self.interval = interval
        self.extra_jobs = extra_jobs or []
        self.on_tick = on_tick
        self.last_error: str | None = None
        self.last_tick: TickReport | None = None
        self._lock: RunnerLock | None = None
        self._scheduler: BackgroundScheduler | None = None
        self._stop_requested = threading.Event()

    def _tick(self) -> None:
        try:
            report = self.engine.tick()
        except Exception as error:  # keep beating; the next tick retries the same work
            self.last_error = f"{type(error).__name__}: {error}"
            log.exception("engine tick failed")
            return
        self.last_error, self.last_tick = None, report
        if self.on_tick is not None:
            self.on_tick(report)

    def _send_webhooks(self) -> None:
        try:
            send_due_webhooks(self.engine.database, self.engine.clock.now())
        except Exception:
            log.exception("sending webhooks failed; retrying on the next beat")

    def start(self) -> None:
        """Start in the background (the GUI); raises RunnerLocked if another runs."""
        # A beat skipped because the previous tick still runs is normal (max_instances=1).
        logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
        demote_routine_logs()  # a line per beat at INFO buries what matters
        self._lock = acquire_runner_lock(self.engine)
        self.engine.clear_stop()
        scheduler = BackgroundScheduler(timezone=timezone.utc)
        scheduler.add_job(self._tick, "interval", seconds=self.interval, id=JOB_ID,
                          coalesce=True, max_instances=1, misfire_grace_time=None,
                          next_run_time=self.engine.clock.now())
        for index, (job, seconds) in enumerate(self.extra_jobs):
            scheduler.add_job(job, "interval", seconds=seconds, id=f"trellis-job-{index}",
                              coalesce=True, max_instances=1, misfire_grace_time=None)
        # Webhooks leave the process, so they run in their own job, never inside a tick.
        scheduler.add_job(self._send_webhooks, "interval", seconds=max(self.interval, 5),
                          id="trellis-webhooks", coalesce=True, max_instances=1,
                          misfire_grace_time=None)
        scheduler.start()
        self._scheduler = scheduler

    def wake(self) -> None:
        """Run a tick as soon as possible (an event arrived)."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.modify_job(JOB_ID, next_run_time=self.engine.clock.now())

    def next_tick_at(self) -> datetime | None:
        if self._scheduler is None:
            return None
        job = self._scheduler.get_job(JOB_ID)
        return job.next_run_time if job else None

    def stop(self) -> None:
        # a tick in progress gives up its batch (rolled back, run again at the next start)
        # instead of rendering the rest of it: shutting down takes a second, not minutes
        self.engine.request_stop()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def request_stop(self) -> None:
        """Safe from a signal handler: `run_forever` then shuts down cleanly."""
        self.engine.request_stop()
        self._stop_requested.set()

    def run_forever(self) -> None:
        """Run until `request_stop()`; the caller installs the signal handlers."""
        self.start()
        try:
            while not self._stop_requested.wait(0.5):
                pass
        finally:
            self.stop()
