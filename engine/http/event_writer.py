"""Group commit for event intake: one thread writes the events of every waiting request.

Contract: `EventWriter(database, clock, on_written)`; `start()` / `stop()` (stop writes
what is queued, then ends). `await writer.write(items)` returns once the request's events
are committed, or raises `WriteFailed` when they could not be (nothing of that request was
stored). Requests that arrive while a transaction runs are written together in the next
one (up to `max_events`), through `engine.intake.events.record_events`, so each request is all
or nothing and a burst of single-event requests costs a few transactions, not one each.
If a group's transaction fails (a unique-email race with another writer, a busy
database), it is retried; if it still fails, each request of the group is tried on its
own, so one request's failure never fails another's. `on_written()` (the engine's wake)
is called once per committed group.

Why: a transaction with SQLAlchemy and SQLite costs about a millisecond here whatever it
holds, which alone would cap single-event requests below 1,000/s; and one writer thread
also means intake requests never race each other to create the same new contact.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from dataclasses import dataclass
from typing import Callable, Sequence

from sqlalchemy.exc import DBAPIError

from engine.clock import Clock
from engine.db.database import Database
from engine.intake.events import EventInput, record_events

log = logging.getLogger("trellis.http")
MAX_EVENTS = 20_000
ATTEMPTS = 3


class WriteFailed(Exception):
    """The events of one request could not be stored; `temporary`: worth retrying."""

    def __init__(self, message: str, temporary: bool):
        super().__init__(message)
        self.temporary = temporary


@dataclass(eq=False, slots=True)
class _Job:
    items: Sequence[EventInput]
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop


def _settle(future: asyncio.Future, result: int | None, error: BaseException | None) -> None:
    if future.done():  # the client went away; the events are stored (or not) all the same
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class EventWriter:
    def __init__(self, database: Database, clock: Clock, on_written: Callable[[], None], *,
                 source: str = "api", max_events: int = MAX_EVENTS):
        self.database = database
        self.clock = clock
        self.on_written = on_written
        self.source = source
        self.max_events = max_events
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="trellis-intake", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    async def write(self, items: Sequence[EventInput]) -> int:
        if self._thread is None:
            raise WriteFailed("the intake writer is not running", temporary=True)
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put(_Job(items, future, loop))
        return await future

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            jobs, count, stopping = [job], len(job.items), False
            while count < self.max_events:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                jobs.append(more)
                count += len(more.items)
            self._write_group(jobs)
            if stopping:
                return

    def _write_group(self, jobs: list[_Job]) -> None:
        try:
            self._transaction([item for job in jobs for item in job.items])
        except Exception as error:  # noqa: BLE001 — isolate: each request on its own
            if len(jobs) == 1:
                self._answer(jobs[0], None, self._failure(error))
                return
            for job in jobs:
                try:
                    self._transaction(job.items)
                except Exception as single:  # noqa: BLE001
                    self._answer(job, None, self._failure(single))
                else:
                    self._wake()
                    self._answer(job, len(job.items), None)
            return
        self._wake()  # before answering: a client that hears 202 finds the engine woken
        for job in jobs:
            self._answer(job, len(job.items), None)

    def _transaction(self, items: Sequence[EventInput]) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.database.session() as session:
                    record_events(session, items, now=self.clock.now(), source=self.source)
                return
            except DBAPIError:
                # a concurrent writer created the same contact first, or the database was
                # busy: the next try sees the contact and takes the update path
                if attempt == ATTEMPTS:
                    raise

    def _failure(self, error: BaseException) -> WriteFailed:
        log.error("could not store events: %s", error, exc_info=error)
        if isinstance(error, DBAPIError):
            return WriteFailed("the database could not store the events; nothing was recorded, "
                               "please retry", temporary=True)
        return WriteFailed("the events could not be stored; nothing was recorded", temporary=False)

    @staticmethod
    def _answer(job: _Job, result: int | None, error: BaseException | None) -> None:
        try:
            job.loop.call_soon_threadsafe(_settle, job.future, result, error)
        except RuntimeError:  # the server's loop is closed: nobody is waiting any more
            pass

    def _wake(self) -> None:
        try:
            self.on_written()
        except Exception:  # noqa: BLE001 — the events are stored; the next tick finds them
            log.exception("could not wake the engine")
