"""The engine's heartbeat: APScheduler calls `Engine.tick()`; one runner per SQLite file.

Contract:
- `EngineRunner(engine)` schedules ONE interval job (`tick`, every `interval` seconds,
  `coalesce=True`, `max_instances=1`, no misfire loss) on a `BackgroundScheduler` (GUI)
  or runs it in the foreground (`run_forever`, `main.py run`). `wake()` moves the next run
  to now, so an arriving event is handled at once. Per-contact jobs are never scheduled:
  the database (`enrollment.due_at`) is the clock.
- On SQLite, `acquire_runner_lock()` takes an exclusive lock on the database file itself
  (its inode: symlinks and hard links name the same lock) and on `<real path>.runner.lock`;
  a second runner on the same file refuses to start with a message naming the holder.
  PostgreSQL needs no lock: workers share the queue with `FOR UPDATE SKIP LOCKED`.
- A failing tick is logged and retried on the next beat; `last_error` keeps it for the UI.
- Queued webhooks are sent by a second job, so a slow endpoint never delays a tick.
- `extra_jobs` [(job, seconds)] (the analytics catch-up) run at start, then every
  `seconds`, each with the tick's coalescing, and within a second of a tick that took
  steps or handled events (the figures follow the work).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler

from engine.errors import TrellisError
from engine.runtime.engine import Engine, TickReport
from engine.runtime.quiet_logs import demote_routine_logs
from engine.runtime.webhooks import send_due_webhooks

log = logging.getLogger("trellis.engine")
JOB_ID = "trellis-tick"
#: after a tick that did work, the extra jobs run within this many seconds
EXTRA_JOBS_AFTER_WORK = 1.0


class RunnerLocked(TrellisError):
    pass


# One descriptor per database file, opened once and never closed while the process
# lives: closing ANY descriptor of a file drops every POSIX lock the process holds on it,
# SQLite's own locks included. Released runner locks are only unlocked (flock LOCK_UN).
_DATABASE_HANDLES: dict[tuple[int, int], int] = {}
#: inodes whose runner lock this process holds (flock on one descriptor does not conflict
#: with itself, so a second runner in the same process is refused here)
_HELD: set[tuple[int, int]] = set()
_HANDLES_LOCK = threading.Lock()


def _inode(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino


def _database_handle(key: tuple[int, int], path: Path) -> int:
    handle = _DATABASE_HANDLES.get(key)
    if handle is not None and os.fstat(handle).st_nlink == 0:
        # the file it was opened on is deleted, and this one got its inode number: a lock
        # on that descriptor would not lock this file. It stays open (see above).
        handle = None
    if handle is None:
        handle = _DATABASE_HANDLES[key] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    return handle


class RunnerLock:
    """The runner lock of one SQLite database, whatever path names it.

    Two locks: a BSD `flock` on the database file itself — the same inode, so a symlink, a
    hard link or `..` in the path cannot dodge it — and the `<real path>.runner.lock` file,
    which records the holder's pid for the refusal message. `flock` locks are separate
    from the POSIX locks SQLite uses (on local disks; SQLite on NFS is unsupported).
    """

    def __init__(self, path: Path, database: Path | None = None):
        self.path = path
        self.database = database
        self._handle = None
        self._database_fd: int | None = None
        self._key: tuple[int, int] | None = None

    def _refuse(self, holder: str) -> RunnerLocked:
        return RunnerLocked(
            f"another Trellis engine ({holder}) is already running on this database; "
            "close it first (one runner per SQLite database)"
        )

    def acquire(self) -> None:
        if self.database is not None and self.database.exists():
            key = _inode(self.database)
            with _HANDLES_LOCK:
                if key in _HELD:
                    raise self._refuse(f"pid {os.getpid()}")
                descriptor = _database_handle(key, self.database)
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise self._refuse(self._holder()) from None
                _HELD.add(key)
            self._database_fd, self._key = descriptor, key
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            self._unlock_database()
            raise self._refuse(holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._handle = handle

    def _holder(self) -> str:
        try:
            return self.path.read_text().strip() or "another process"
        except OSError:
            return "another process"

    def _unlock_database(self) -> None:
        if self._database_fd is not None:
            with _HANDLES_LOCK:
                fcntl.flock(self._database_fd, fcntl.LOCK_UN)
                _HELD.discard(self._key)
            self._database_fd = None

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
        self._unlock_database()


def acquire_runner_lock(engine: Engine) -> RunnerLock | None:
    path = engine.database.sqlite_path
    if path is None:
        return None
    real = path.expanduser().resolve()  # a symlink names the file it points to
    lock = RunnerLock(real.with_name(real.name + ".runner.lock"), real)
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
        if report.steps or report.events:
            self._extra_jobs_soon()
        if self.on_tick is not None:
            self.on_tick(report)

    def _extra_jobs_soon(self) -> None:
        """After a tick that did work, the extra jobs run within EXTRA_JOBS_AFTER_WORK
        seconds: the analytics catch-up, so the journeys list's "Entered" follows its live
        "Active" count instead of lagging a whole interval behind it."""
        scheduler = self._scheduler
        if scheduler is None or not scheduler.running:
            return
        soon = self.engine.clock.now() + timedelta(seconds=EXTRA_JOBS_AFTER_WORK)
        for index in range(len(self.extra_jobs)):
            job = scheduler.get_job(f"trellis-job-{index}")
            if job is not None and job.next_run_time is not None and job.next_run_time > soon:
                job.modify(next_run_time=soon)

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
        # extra jobs run at start too: the analytics catch-up must not leave a window
        # opened after a headless run showing 0 entered beside 500 active for its interval
        for index, (job, seconds) in enumerate(self.extra_jobs):
            scheduler.add_job(job, "interval", seconds=seconds, id=f"trellis-job-{index}",
                              coalesce=True, max_instances=1, misfire_grace_time=None,
                              next_run_time=self.engine.clock.now())
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
