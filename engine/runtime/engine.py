"""The engine facade: one `tick()` does all the work that is due.

Contract: `Engine(database, clock)` reads time only from its clock. `tick()` matches
pending events, runs the time-based scans when they are due, and advances every due
enrollment; it returns a `TickReport`. It is safe to call as often as you like (the
runner calls it every few seconds and at once when events arrive); work that is not due
costs a couple of indexed queries. Manual enrollment and the management verbs (publish,
also as a canary; `promote` and `rollback_canary`; the entry guard; pause, resume) are
here too, so the CLI, the GUI and the HTTP server share one API.
After advancing, at most once per `watch_interval` of clock time, `watch()` calls A/B
test winners (engine/experiments/watch.py) and judges guardrails
(engine/runtime/guardrail_watch.py); a failure there is
logged and tried again later, never raised from `tick()`.
`request_stop()` (safe from any thread) makes a tick in progress give up its current
batch before the next enrollment (advance.Stopped, rolled back, run again at the next
start) and return: the runner's shutdown waits for one enrollment, not a batch.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from engine.clock import Clock
from engine.db.database import Database
from engine.db.models import Contact, Enrollment, JourneyStatus
from engine.errors import TrellisError
from engine.journey.compiled import VersionCache
from engine.journey.store import find_journey
from engine.runtime import canary as canaries
from engine.runtime import publish as publishing
from engine.runtime import release
from engine.runtime.advance import Stopped, advance
from engine.runtime.enroll import enroll
from engine.runtime.entry import EntryGate
from engine.runtime.matching import process_events
from engine.runtime.scans import run_scans
from engine.runtime.services import EngineServices

log = logging.getLogger("trellis.engine")
SCAN_INTERVAL = timedelta(minutes=5)
#: how often running A/B tests and guardrails are looked at (clock time)
WATCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class TickReport:
    at: datetime
    events: int
    enrolled_by_scans: int
    steps: int
    #: what the watch found this tick: {"kind", ...} (a winner called, a guardrail tripped)
    notices: tuple[dict, ...] = ()

    @property
    def busy(self) -> bool:
        return bool(self.events or self.enrolled_by_scans or self.steps)


class Engine:
    def __init__(self, database: Database, clock: Clock, *, services: EngineServices | None = None,
                 batch_size: int = 1000, scan_interval: timedelta = SCAN_INTERVAL,
                 watch_interval: timedelta = WATCH_INTERVAL, simulated: bool = False):
        self.database = database
        self.clock = clock
        self.services = services or EngineServices()
        self.batch_size = batch_size
        self.scan_interval = scan_interval
        self.cache = VersionCache()
        self.watch_interval = watch_interval
        #: a simulation: every email put in the outbox counts as sent (guardrails)
        self.simulated = simulated
        self._last_scan: datetime | None = None
        self._last_watch: datetime | None = None
        self._stopping = threading.Event()

    def request_stop(self) -> None:
        self._stopping.set()

    def clear_stop(self) -> None:
        """Ticks run in full again (a runner started after a stop)."""
        self._stopping.clear()

    def tick(self) -> TickReport:
        now = self.clock.now()
        events = process_events(self.database, now, self.cache, batch_size=self.batch_size)
        scanned = 0
        if self._last_scan is None or now - self._last_scan >= self.scan_interval:
            scanned = run_scans(self.database, now, self.cache, lookahead=self.scan_interval)
            self._last_scan = now
            events += process_events(self.database, now, self.cache, batch_size=self.batch_size)
        try:
            steps = advance(self.database, now, self.cache, self.services,
                            batch_size=self.batch_size, stopping=self._stopping.is_set)
        except Stopped:
            steps = 0  # the batch in progress was rolled back: nothing of it happened
        notices: tuple[dict, ...] = ()
        if self._last_watch is None or now - self._last_watch >= self.watch_interval:
            self._last_watch = now
            try:
                notices = tuple(self.watch(now))
            except Exception:  # noqa: BLE001 — the watch must never stop the journeys
                log.exception("watching A/B tests and guardrails failed; trying again later")
        return TickReport(now, events, scanned, steps, notices)

    def watch(self, now: datetime | None = None) -> list[dict]:
        """Look at running A/B tests (call winners) and guardrails (pause journeys) now;
        returns what happened, as recorded in `journey_notice`."""
        from engine.experiments.watch import watch_tests
        from engine.runtime.guardrail_watch import watch_guardrails

        now = now or self.clock.now()
        with self.database.session() as session:
            found = [{"kind": "guardrail_paused", **n} for n in watch_guardrails(
                session, self.cache, now, simulated=self.simulated)]
            found += [{"kind": "experiment_winner", **n}
                      for n in watch_tests(session, self.cache, now)]
        return found

    def next_due(self) -> datetime | None:
        """When the next enrollment falls due (None: nothing is scheduled)."""
        with self.database.session() as session:
            return session.scalar(select(Enrollment.due_at).where(Enrollment.due_at.is_not(None))
                                  .order_by(Enrollment.due_at).limit(1))

    # --- management ----------------------------------------------------------------------

    def enroll(self, journey: str | int, emails: list[str], *,
               ignore_re_entry: bool = False) -> list[str]:
        """Enroll contacts by hand (manual/API trigger); returns the emails enrolled.
        `ignore_re_entry`: a test contact may go through again whatever the journey's
        re-entry rule (never while still on its way through it)."""
        now = self.clock.now()
        enrolled = []
        with self.database.session() as session:
            row = find_journey(session, journey)
            if row.status != JourneyStatus.LIVE:
                raise TrellisError(f"{row.name!r} is {row.status}; publish it first")
            compiled = self.cache.get(session, row.live_version_id)
            gate = EntryGate(session, self.cache, now)
            for email in emails:
                contact_id = session.scalar(select(Contact.id).where(Contact.email == email.lower()))
                if contact_id is None:
                    raise LookupError(f"there is no contact {email!r}")
                if enroll(session, gate.route(compiled, contact_id), contact_id, now,
                          {"event_name": "manual"}, every_time=ignore_re_entry, gate=gate):
                    enrolled.append(email)
            gate.flush()
        return enrolled

    def publish(self, journey: str | int, *, canary: int | None = None,
                entry_guard: dict | None = None, widen: bool = False, **options):
        """Publish the draft (`options`: lint_template, move, fallback, notes). `canary`:
        as a canary for that % of new entrants (engine/runtime/canary.py); `entry_guard`:
        only contacts matching this condition enter from now on; `widen`: everyone may
        enter again. Without either, the guard in force stays. All or nothing."""
        with self.database.session() as session:
            row = find_journey(session, journey)
            now = self.clock.now()
            if entry_guard is not None:
                release.parse_guard(entry_guard)  # a bad guard refuses before anything
            if canary is not None:
                version = canaries.publish_canary(session, row, now=now, percent=canary, **options)
            else:
                version = publishing.publish(session, row, now=now, **options)
                if (stored := release.release_row(session, row.id)) is not None:
                    stored.last_canary = None  # a new version for everyone: that story is over
            if entry_guard is not None or widen:
                release.set_entry_guard(session, row, entry_guard, now)
            return version.number

    def promote(self, journey: str | int, *, move: dict[str, str] | None = None,
                fallback: str | None = None) -> int:
        """The canary becomes the live version; returns its number."""
        with self.database.session() as session:
            return canaries.promote(session, find_journey(session, journey), now=self.clock.now(),
                                    move=move, fallback=fallback).number

    def rollback_canary(self, journey: str | int, reason: str = "manual", *,
                        move: dict[str, str] | None = None, fallback: str | None = None) -> int:
        """Stop the canary (guardrails call this with what tripped them); returns its
        number. Its contacts finish on it unless `move` is given."""
        with self.database.session() as session:
            return canaries.rollback_canary(session, find_journey(session, journey),
                                            now=self.clock.now(), reason=reason, move=move,
                                            fallback=fallback).number

    def set_entry_guard(self, journey: str | int, guard: dict | None) -> None:
        """Only contacts matching `guard` enter from now on; None: everyone ("widen")."""
        with self.database.session() as session:
            release.set_entry_guard(session, find_journey(session, journey), guard,
                                    self.clock.now())

    def pause(self, journey: str | int) -> None:
        with self.database.session() as session:
            publishing.pause(session, find_journey(session, journey), now=self.clock.now())

    def resume(self, journey: str | int) -> None:
        with self.database.session() as session:
            publishing.resume(session, find_journey(session, journey), now=self.clock.now())
