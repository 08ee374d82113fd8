"""`advance(now)`: run every enrollment that is due, in batches.

Contract:
- A batch claims up to `batch_size` enrollments with `due_at <= now` (on PostgreSQL with
  `FOR UPDATE SKIP LOCKED`, so several workers share the queue without overlap), runs each
  contact's path until it parks at a delay/wait, is held by a guard, or ends, and commits
  the enrollments, step logs, outbox rows and effects in ONE transaction. A crash before
  the commit loses nothing and repeats nothing: the batch simply runs again.
- Within a batch, higher-priority journeys run first (they win frequency-cap slots).
- A path is instantaneous between parks; `MAX_STEPS_PER_RUN` only guards against a
  pathological graph (validation already refuses loops without a pause).
- Steps of a journey a guardrail paused are not run: each is held as it falls due
  (timeline `hold`, reason `guardrail`) until the journey is resumed.
- `stopping()` (optional) is asked before each enrollment: when it answers True the
  batch is given up (`Stopped`): its transaction rolls back and the next start runs it
  again, as after a crash. So a shutdown waits for at most one enrollment's steps (one
  email render is bounded at a second), not a whole batch.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select

from engine.db.database import Database
from engine.db.fastbulk import read_rows
from engine.db.models import Enrollment, EnrollmentStatus
from engine.errors import TrellisError
from engine.experiments.guardrails import GUARDRAIL, paused_by_guardrail
from engine.journey.compiled import VersionCache
from engine.runtime.batch import Batch, Run
from engine.runtime.executors import Step, executor_for
from engine.runtime.outbox import abandon_renders, finish_renders
from engine.runtime.outcomes import End, Go, Hold, Park, Skip
from engine.settings import load_settings

MAX_STEPS_PER_RUN = 500


class Stopped(TrellisError):
    """The engine is shutting down: the current batch was rolled back, to run again."""

CLAIM_COLUMNS = (
    Enrollment.id, Enrollment.contact_id, Enrollment.journey_id, Enrollment.version_id,
    Enrollment.node_id, Enrollment.state, Enrollment.due_at, Enrollment.context,
    Enrollment.step_count, Enrollment.entered_at, Enrollment.wait_event,
)
CLAIM_NAMES = [column.key for column in CLAIM_COLUMNS]


def claim(session, now: datetime, limit: int, postgres: bool) -> list[Run]:
    if session.get_bind().dialect.name == "sqlite":
        # the hot path: plain driver rows (one runner per SQLite file, no locking needed)
        rows = read_rows(session, Enrollment.__table__, CLAIM_NAMES,
                         "WHERE due_at <= ? ORDER BY due_at, id LIMIT ?", (now, limit))
    else:
        query = (select(*CLAIM_COLUMNS).where(Enrollment.due_at <= now)
                 .order_by(Enrollment.due_at, Enrollment.id).limit(limit))
        if postgres:
            query = query.with_for_update(skip_locked=True, of=Enrollment)
        rows = [row._asdict() for row in session.execute(query)]
    return [Run(
        id=row["id"], contact_id=row["contact_id"], journey_id=row["journey_id"],
        version_id=row["version_id"], node_id=row["node_id"], state=row["state"],
        due_at=row["due_at"], context=dict(row["context"] or {}),
        step_count=row["step_count"], entered_at=row["entered_at"],
        wait_event=row["wait_event"], was_due_at=row["due_at"]) for row in rows]


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


@contextmanager
def paused_gc():
    """No cycle collection while a batch runs: a batch makes tens of thousands of young,
    acyclic objects (freed by reference counting), and the collector's passes over them
    cost a fifth of an email's time in the engine process. Cycles made meanwhile are
    collected after the batch; a collector already disabled stays so."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def hold_for_guardrail(run: Run, batch: Batch) -> None:
    """The journey was paused by a guardrail: this step waits for the resume, its due time
    kept aside as a pause keeps it (engine/experiments/guardrails.py)."""
    batch.log(run, run.node_id, "hold", reason=GUARDRAIL, detail={"due": run.due_at.isoformat()})
    batch.pause_holds.append({"id": run.id, "paused_due_at": run.due_at})
    run.due_at = None


def advance(database: Database, now: datetime, cache: VersionCache, services,
            *, batch_size: int = 1000, max_batches: int | None = None,
            stopping: Callable[[], bool] | None = None) -> int:
    """Run all work due at `now`; returns the number of steps taken."""
    total = 0
    postgres = database.engine.dialect.name == "postgresql"
    batches = 0
    while max_batches is None or batches < max_batches:
        with paused_gc(), database.session() as session:
            runs = claim(session, now, batch_size, postgres)
            if not runs:
                break
            batch = Batch(session, now, load_settings(session))
            batch.load_contacts(run.contact_id for run in runs)
            priority = {run.version_id: cache.get(session, run.version_id).settings.priority
                        for run in runs}
            runs.sort(key=lambda r: -priority[r.version_id])
            held = paused_by_guardrail(session)
            try:
                for run in runs:
                    if stopping is not None and stopping():
                        raise Stopped("the engine is stopping; this batch runs again at the next start")
                    if run.journey_id in held:
                        hold_for_guardrail(run, batch)
                        continue
                    total += run_enrollment(run, batch, cache, services)
                finish_renders(batch)  # emails rendering in the pool: wait, fill the rows
            except BaseException:
                abandon_renders(batch)
                raise
            batch.flush(runs)
        batches += 1
    return total
