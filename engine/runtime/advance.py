"""`advance(now)`: run every enrollment that is due, in batches.

Contract:
- A batch claims up to `batch_size` enrollments with `due_at <= now` (on PostgreSQL with
  `FOR UPDATE SKIP LOCKED`, so several workers share the queue without overlap), runs each
  contact's path until it parks at a delay/wait, is held by a guard, or ends, and commits
  the enrollments, step logs, outbox rows and effects in ONE transaction. A crash before
  the commit loses nothing and repeats nothing: the batch simply runs again.
- With a render pool, two batches may be open at once: while one's emails render, the
  next one runs its steps (claimed past the first's last enrollment and without its
  contacts: a contact is never in two open batches), then the first is written and
  committed. Batches commit one at a time, in claim order (`_Started`).
- A written batch commits in a thread of its own (`_Commit`) while the next batch runs
  its steps, claimed past it and without its contacts; the next flush, a claim from the
  start of the queue and the end of `advance` wait for that commit. A failed commit is
  raised there, and the batches still open are given up.
- On SQLite a claim locks nothing: a batch writes its enrollments back only where they
  are still active, due and on the version claimed (`Batch.flush`). If another
  connection ended, paused or migrated one meanwhile (an erasure, a pause, a publish from
  the app), the batch and the one beside it are given up and claimed again from the
  start (`MovedMeanwhile`), so nothing revives what was ended and no email of it is
  queued. Claims take active enrollments only.
- Within a batch, higher-priority journeys run first (they win frequency-cap slots).
- A path is instantaneous between parks; `MAX_STEPS_PER_RUN` only guards against a
  pathological graph (validation already refuses loops without a pause).
- Steps of a journey a guardrail paused are not run: each is held as it falls due
  (timeline `hold`, reason `guardrail`) until the journey is resumed.
- `stopping()` (optional) is asked before each enrollment: when it answers True the
  batch is given up (`Stopped`), with the one still rendering if any: their transactions
  roll back and the next start runs them again, as after a crash. So a shutdown waits
  for at most one enrollment's steps (one email render is bounded at a second), not a
  whole batch.
"""

from __future__ import annotations

import sys
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, tuple_

from engine.db.collector import paused_gc
from engine.db.database import Database
from engine.db.fastbulk import read_rows
from engine.db.models import Enrollment, EnrollmentStatus
from engine.errors import TrellisError
from engine.experiments.guardrails import GUARDRAIL, paused_by_guardrail
from engine.journey.compiled import VersionCache
from engine.runtime.batch import Batch, MovedMeanwhile, Run
from engine.runtime.executors import Step, executor_for
from engine.runtime.outbox import (
    abandon_renders, drain_renders, feed_renders, finish_renders, renders_pending,
)
from engine.runtime.outcomes import End, Go, Hold, Park, Skip
from engine.settings import load_settings

MAX_STEPS_PER_RUN = 500
#: a tick claims again after a batch found its enrollments changed meanwhile (SQLite: an
#: erasure, a pause, a publish from the app); more times than this in one tick is a fault
MAX_MOVED_RETRIES = 5


class Stopped(TrellisError):
    """The engine is shutting down: the current batch was rolled back, to run again."""

CLAIM_COLUMNS = (
    Enrollment.id, Enrollment.contact_id, Enrollment.journey_id, Enrollment.version_id,
    Enrollment.node_id, Enrollment.state, Enrollment.due_at, Enrollment.context,
    Enrollment.step_count, Enrollment.entered_at, Enrollment.wait_event,
)
CLAIM_NAMES = [column.key for column in CLAIM_COLUMNS]


def claim(session, now: datetime, limit: int, postgres: bool,
          after: tuple[datetime, int] | None = None) -> list[Run]:
    """Up to `limit` enrollments due at `now`, in (due_at, id) order; with `after`, only
    those past that (due_at, id)."""
    if session.get_bind().dialect.name == "sqlite":
        # the hot path: plain driver rows (one runner per SQLite file, no locking needed)
        past, params = "", (now, limit)
        if after is not None:
            # a row value: an ordered scan of the due_at index (whose entries end with the
            # id), where `due_at > ? OR (due_at = ? AND id > ?)` read every due row and sorted
            past = "AND (due_at, id) > (?, ?) "
            params = (now, after[0], after[1], limit)
        rows = read_rows(session, Enrollment.__table__, CLAIM_NAMES,
                         f"WHERE due_at <= ? {past}AND status = 'active' "
                         "ORDER BY due_at, id LIMIT ?", params)
    else:
        query = (select(*CLAIM_COLUMNS)
                 .where(Enrollment.due_at <= now, Enrollment.status == EnrollmentStatus.ACTIVE)
                 .order_by(Enrollment.due_at, Enrollment.id).limit(limit))
        if after is not None:
            query = query.where(tuple_(Enrollment.due_at, Enrollment.id) > tuple_(*after))
        if postgres:
            query = query.with_for_update(skip_locked=True, of=Enrollment)
        rows = [row._asdict() for row in session.execute(query)]
    return [Run(
        id=row["id"], contact_id=row["contact_id"], journey_id=row["journey_id"],
        version_id=row["version_id"], node_id=row["node_id"], state=row["state"],
        due_at=row["due_at"], context=dict(row["context"] or {}),
        step_count=row["step_count"], entered_at=row["entered_at"],
        wait_event=row["wait_event"], was_due_at=row["due_at"],
        was_wait_event=row["wait_event"]) for row in rows]


def end_run(run: Run, batch: Batch, node_id: str, status: str, reason: str,
            detail: dict | None = None) -> None:
    batch.log(run, node_id, "exit", reason=reason, detail=detail)
    run.status, run.end_reason, run.ended_at = status, reason, batch.now
    run.due_at, run.wait_event, run.state = None, None, "ready"


def run_enrollment(run: Run, batch: Batch, cache: VersionCache, services) -> int:
    """Run one enrollment until it parks, is held or ends; returns the steps taken."""
    journey = cache.get(batch.session, run.version_id)
    resuming = run.state == "waiting"
    for steps in range(1, MAX_STEPS_PER_RUN + 1):
        node = journey.nodes.get(run.node_id)
        if node is None:
            end_run(run, batch, run.node_id, EnrollmentStatus.EXITED, "node_missing")
            return steps
        step = Step(batch, run, journey, node.id, resuming, services)
        outcome = executor_for(node.spec)(step, node.config)
        resuming = False
        if isinstance(outcome, (Go, Skip)):
            if isinstance(outcome, Skip):
                batch.log(run, node.id, "skip", reason=outcome.reason, detail=outcome.detail)
                port = "next"
            else:
                port = outcome.port
                if outcome.kind:
                    batch.log(run, node.id, outcome.kind,
                              port=port if outcome.kind == "branch" else None,
                              reason=outcome.reason, detail=outcome.detail)
            run.step_count += 1
            target = journey.target(node.id, port)
            if target is None:
                end_run(run, batch, node.id, EnrollmentStatus.COMPLETED, "completed")
                return steps
            run.node_id, run.state = target, "ready"
            continue
        if isinstance(outcome, Park):
            batch.log(run, node.id, "wait", detail=outcome.detail)
            run.state, run.due_at, run.wait_event = "waiting", outcome.until, outcome.wait_event
            return steps
        if isinstance(outcome, Hold):
            batch.log(run, node.id, "hold", reason=outcome.reason,
                      detail={"until": outcome.until.isoformat(), **outcome.detail})
            run.state, run.due_at = "ready", outcome.until
            return steps
        if isinstance(outcome, End):
            end_run(run, batch, node.id, outcome.status, outcome.reason, outcome.detail)
            return steps
        raise TypeError(f"{node.spec.type_id} returned {outcome!r}")
    # A path this long without a pause means a broken graph: look again in a minute.
    run.due_at = batch.now + timedelta(minutes=1)
    return MAX_STEPS_PER_RUN


def hold_for_guardrail(run: Run, batch: Batch) -> None:
    """The journey was paused by a guardrail: this step waits for the resume, its due time
    kept aside as a pause keeps it (engine/experiments/guardrails.py)."""
    batch.log(run, run.node_id, "hold", reason=GUARDRAIL, detail={"due": run.due_at.isoformat()})
    batch.pause_holds.append({"id": run.id, "paused_due_at": run.due_at})
    run.due_at = None


def advance(database: Database, now: datetime, cache: VersionCache, services,
            *, batch_size: int = 1000, max_batches: int | None = None,
            stopping: Callable[[], bool] | None = None) -> int:
    """Run all work due at `now`; returns the number of steps taken.

    While a batch's emails render in the pool, the next batch runs its steps (see
    `_Started`), so the render workers are never idle while the engine writes; and while
    a written batch commits (`_Commit`), the engine runs the next one's steps."""
    postgres = database.engine.dialect.name == "postgresql"
    total = batches = moved = 0
    # batches begun and not yet written, in claim order: at most two, the first one's
    # emails still rendering. A batch is taken off this list before it is written (its
    # write gives it up by itself on an error); what is on it is given up on an error.
    open_batches: list[_Started] = []
    commit = _Commit()
    # for all of advance, not batch by batch: a pass between batches went over every
    # object of the two batches then alive (5% of a welcome series)
    with paused_gc():
        try:
            while max_batches is None or batches + len(open_batches) < max_batches:
                try:
                    ahead = open_batches[0] if open_batches else None
                    started = _start(database, now, cache, services, batch_size, postgres,
                                     stopping, ahead=ahead, committing=commit.batch)
                    if started is not None:
                        open_batches.append(started)
                    if ahead is not None:
                        if started is not None:  # its emails go out before the engine writes
                            feed_renders(started.batch)
                        total += _write(open_batches.pop(0), commit)
                        batches += 1  # and, if nothing was due past it, look again from the start
                    elif started is None:
                        if commit.batch is None:
                            break  # nothing is due
                        # nothing past the batch committing: look again from the start
                        # (runs of its contacts were left out) once its writes are in
                        commit.wait()
                        continue
                    if started is not None and not started.renders_out():
                        total += _write(open_batches.pop(), commit)
                        batches += 1
                except MovedMeanwhile:
                    # another connection changed enrollments of a batch since its claim:
                    # that batch was given up; give up the other one too (it was claimed
                    # as early) and claim again from the start
                    moved += 1
                    if moved > MAX_MOVED_RETRIES:
                        raise
                    while open_batches:
                        open_batches.pop().give_up()
                    commit.wait()
            while open_batches:  # max_batches reached with one still rendering
                total += _write(open_batches.pop(0), commit)
            commit.wait()
        except BaseException:
            for begun in open_batches:
                begun.give_up()
            commit.wait(quietly=True)  # a batch written whole still commits
            raise
        finally:
            commit.close()
    return total


def _write(started: _Started, commit: _Commit) -> int:
    """Wait for the batch's renders, flush it once the batch before it has committed (one
    writer at a time, in claim order), and start its commit; returns its steps."""
    try:
        started.finish_renders()
        commit.wait()
        started.flush()
    except BaseException:
        started.give_up()
        raise
    commit.start(started)
    return started.steps


class _Commit:
    """The commit of the last batch written, in a thread of its own, while the engine runs
    the next batch's steps.

    Why: a commit writes the batch's pages to the write-ahead log (and now and then copies
    them into the database file), a sixth of the engine's time per email, and the driver
    releases the GIL for all of it (sqlite3 and psycopg alike). What a batch commits is
    settled when its flush ends, so nothing else has to wait for it except: the next
    flush (SQLite has one writer; batches commit in claim order), a claim from the start
    of the queue (it must see this batch's enrollments moved on), and the end of
    `advance`. Meanwhile the next batch is claimed past this one and without its contacts,
    as it is past a batch still rendering. A failed commit rolls its batch back (it runs
    again, as after a crash) and is raised at the next `wait()`."""

    def __init__(self):
        self._executor: ThreadPoolExecutor | None = None
        self._future: Future | None = None
        #: the batch committing, if any
        self.batch: _Started | None = None

    def start(self, started: _Started) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="trellis-commit")
        self._future, self.batch = self._executor.submit(started.commit), started

    def wait(self, *, quietly: bool = False) -> None:
        """Until the commit in flight (if any) is done; its error is raised unless
        `quietly` (another error is on its way already)."""
        future, self._future, self.batch = self._future, None, None
        if future is None:
            return
        try:
            future.result()
        except BaseException:
            if not quietly:
                raise

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None


class _Started:
    """A batch whose steps ran, in its own open transaction, its writes buffered and its
    emails perhaps still rendering in the pool. `finish_renders()` waits for the renders,
    `flush()` writes the batch, `commit()` commits it (advance runs that in a thread:
    `_Commit`); `give_up()` drops the renders and rolls the transaction back.

    Why two batches at once: the engine writes a batch (SQLite inserts and the commit,
    about half of its work) only once every email of it is rendered, and a render worker
    had nothing to do meanwhile. Now the next batch runs its steps before the previous one
    is written, and the workers render its emails while the engine writes. The next batch
    is claimed past the last enrollment of this one (its rows are still due in the
    database) and leaves out every contact of this one: frequency caps, consent, lists and
    fields read what this batch has not written yet, so a contact is never in two open
    batches; those enrollments run in a later batch of the same tick. A batch's writes
    are still one transaction, committed in claim order; renders never write (a coupon
    or the link secret is committed in a short transaction of its own, as before: never
    while the engine's thread holds SQLite's write lock, at most waiting for a commit in
    flight to end).
    """

    def __init__(self, scope: ExitStack, batch: Batch, runs: list[Run], steps: int,
                 last_key: tuple[datetime, int]):
        self.scope, self.batch, self.runs, self.steps = scope, batch, runs, steps
        self.contacts = {run.contact_id for run in runs}
        #: (due_at, id) of the last enrollment claimed: the next batch is claimed past it
        self.last_key = last_key

    def renders_out(self) -> bool:
        return renders_pending(self.batch)

    def finish_renders(self) -> None:
        self.batch.ahead = None  # written before this one: no chain of batches in memory
        finish_renders(self.batch)  # emails rendering in the pool: wait, fill the rows

    def flush(self) -> None:
        # while it writes, the engine takes the workers' answers off their pipes: a worker
        # whose answer pipe is full would stop rendering the next batch
        self.batch.flush(self.runs, between=lambda: drain_renders(self.batch))

    def commit(self) -> None:
        self.scope.close()

    def give_up(self) -> None:
        """Called while an exception is handled: the transaction rolls back."""
        self.batch.ahead = None
        abandon_renders(self.batch)
        self.scope.__exit__(*sys.exc_info())


def _start(database: Database, now: datetime, cache: VersionCache, services, batch_size: int,
           postgres: bool, stopping, *, ahead: _Started | None,
           committing: _Started | None) -> _Started | None:
    """Claim a batch (past the enrollments of `ahead`, the batch still rendering, or else
    of `committing`, and without the contacts of either) and run its steps; None when
    nothing is due there."""
    scope = ExitStack()
    session = scope.enter_context(database.session())
    batch = None
    past = ahead or committing
    try:
        runs = claim(session, now, batch_size, postgres,
                     after=past.last_key if past is not None else None)
        last_key = (runs[-1].was_due_at, runs[-1].id) if runs else None
        for begun in (ahead, committing):
            if begun is not None:
                runs = [run for run in runs if run.contact_id not in begun.contacts]
        if not runs:
            scope.close()
            return None
        batch = Batch(session, now, load_settings(session))
        batch.ahead = ahead.batch if ahead is not None else None
        batch.load_contacts(run.contact_id for run in runs)
        priority = {run.version_id: cache.get(session, run.version_id).settings.priority
                    for run in runs}
        runs.sort(key=lambda r: -priority[r.version_id])
        held = paused_by_guardrail(session)
        steps = 0
        for run in runs:
            if stopping is not None and stopping():
                raise Stopped("the engine is stopping; this batch runs again at the next start")
            if run.journey_id in held:
                hold_for_guardrail(run, batch)
                continue
            steps += run_enrollment(run, batch, cache, services)
    except BaseException:
        if batch is not None:
            abandon_renders(batch)
        scope.__exit__(*sys.exc_info())  # rolls back
        raise
    return _Started(scope, batch, runs, steps, last_key)
