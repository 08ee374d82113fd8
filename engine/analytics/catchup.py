"""The catch-up: folds what was written since the last watermark into the rollup tables.

Contract: `catch_up(database, *, simulated=False, chunk=20_000) -> CatchUpReport` reads
new outbox rows, then new step logs, then new events (each in id order, `chunk` rows per
transaction) and adds them to the rollups (docs/analytics.md). The watermark is the
setting row `analytics.watermark` = {"message": last outbox row folded, "step_log": last
step log folded, "event": last event folded}; emails not yet settled wait in
`analytics_pending` and are looked at again first; it moves in the same
transaction as the rollups it covers, so a crash repeats nothing and loses nothing.
Each transaction first updates the watermark row, which takes the write lock (SQLite) or
the row lock (PostgreSQL) before reading it: two catch-ups at once (the runner's job and
a `report`) never fold the same rows twice. A stream with nothing past its watermark
(read first, without the lock) gets no transaction at all, so a catch-up with little to
do costs a few reads. The engine's write paths are not touched.

Outbox rows go first (events find the email they count for among the counted ones), then
step logs (orders credit the paths an enrollment took), then events.
`catch_up_job(database, on_folded=None)` is the runner's extra job: a failure is logged,
never raised; `on_folded()` is called (on the runner's thread) after a catch-up that
folded something, so a window can re-read the figures it shows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.analytics.deltas import Deltas
from engine.analytics.fold_events import fold_events
from engine.analytics.fold_messages import fold_messages, fold_pending
from engine.analytics.fold_steps import fold_step_logs
from engine.analytics.settings import load_analytics_settings
from engine.db.database import Database
from engine.db.deletions import WATERMARK  # lowered after deletions (ids come back)
from engine.db.models import Event, Message, Setting, StepLog

log = logging.getLogger("trellis.analytics")
#: seconds between catch-ups in the runner
INTERVAL = 30.0


@dataclass
class CatchUpReport:
    #: pending emails that had settled
    settled: int = 0
    #: transactions (of up to `chunk` rows) per stream
    message_chunks: int = 0
    step_log_chunks: int = 0
    event_chunks: int = 0

    @property
    def folded(self) -> bool:
        """Whether the rollups changed (rows folded or pending emails settled)."""
        return bool(self.settled or self.message_chunks or self.step_log_chunks
                    or self.event_chunks)


def _lock_watermark(session: Session) -> dict:
    # An UPDATE first: it takes the write lock before anything is read (see docstring).
    result = session.execute(update(Setting).where(Setting.key == WATERMARK)
                             .values(key=WATERMARK))
    if result.rowcount == 0:
        session.add(Setting(key=WATERMARK, value={"message": 0, "step_log": 0, "event": 0}))
        session.flush()
    value = session.scalar(select(Setting.value).where(Setting.key == WATERMARK))
    return dict(value)


def _save(session: Session, mark: dict) -> None:
    session.execute(update(Setting).where(Setting.key == WATERMARK).values(value=mark))


_TABLES = {"message": Message, "step_log": StepLog, "event": Event}


def _nothing_new(database: Database, stream: str) -> bool:
    """True when the stream has no row past the watermark: read without the write lock,
    which is safe because a watermark only moves forward (another catch-up can only have
    folded more), so a stream found empty here has nothing for this catch-up to fold."""
    with database.session() as session:
        value = session.scalar(select(Setting.value).where(Setting.key == WATERMARK))
        newest = session.scalar(select(func.max(_TABLES[stream].id)))
    return newest is None or (isinstance(value, dict) and newest <= value.get(stream, 0))


def catch_up(database: Database, *, simulated: bool = False, chunk: int = 20_000) -> CatchUpReport:
    report = CatchUpReport()
    with database.session() as session:
        _lock_watermark(session)
        deltas = Deltas()
        report.settled = fold_pending(session, deltas)
        deltas.flush(session)
    for stream in ("message", "step_log", "event"):
        while True:
            # no write transaction (and no write lock) for a stream with nothing new
            if _nothing_new(database, stream):
                break
            with database.session() as session:
                mark = _lock_watermark(session)
                deltas = Deltas()
                if stream == "message":
                    last = fold_messages(session, mark["message"], chunk, deltas,
                                         simulated=simulated)
                elif stream == "step_log":
                    last = fold_step_logs(session, mark["step_log"], chunk, deltas)
                else:
                    last = fold_events(session, mark["event"], chunk, deltas,
                                       load_analytics_settings(session))
                if last is None:
                    break
                deltas.flush(session)
                mark[stream] = last
                _save(session, mark)
                setattr(report, stream + "_chunks", getattr(report, stream + "_chunks") + 1)
    return report


def catch_up_job(database: Database, on_folded: Callable[[], None] | None = None):
    """The runner's extra job (engine/runtime/runner.py `extra_jobs`)."""
    def job() -> None:
        try:
            report = catch_up(database)
        except Exception:  # the next run repeats the same work; the engine goes on
            log.exception("analytics catch-up failed; retrying on the next run")
            return
        if report.folded and on_folded is not None:
            on_folded()
    return job, INTERVAL
