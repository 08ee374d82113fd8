"""PostgreSQL in figures: `python -m tests.benchmarks.engine --postgres [--contacts N]`.

Starts a PostgreSQL server of its own (tests/postgres_server.py, as the tests do: a
temporary folder, loopback, fsync off), then for 1 and 2 engine workers (separate
processes, each an `Engine` on the same database, sharing the due queue with
`FOR UPDATE SKIP LOCKED`; each renders its emails in-process) measures:
- `pg_steps_per_s_<w>`: the steps benchmark of engine.py (score, field, delay, score,
  goal), all enrollments due at once, on a fresh database;
- `pg_emails_per_s_<w>`: one send-email step per contact, rendered into the outbox;
and checks that no step ran twice (`pg_duplicate_steps` must be 0: no (enrollment, node,
kind) logged twice) and that every contact got exactly its email. The clock is virtual
and shared: every worker runs what is due at 09:00 until nothing is left, then what is
due an hour later. Time runs from the moment all workers are ready (connected, imports
done) until the last one is done.
"""

from __future__ import annotations

import multiprocessing
import time
from datetime import timedelta

from sqlalchemy import func, select, text

from engine.db import open_database
from engine.db.models import Message, StepLog
from tests.benchmarks import engine_parts as bench
from tests.postgres_server import skip_reason, start_postgres

STEPS = [
    ("action.adjust_score", {"delta": 1}),
    ("action.update_field", {"field": "attributes.stage", "value": "warm"}),
    ("flow.delay", {"duration": "1 hour"}),
    ("action.adjust_score", {"delta": 2}),
    ("flow.goal", {}),
]
EMAILS = [("action.send_email", {"template": "hello"})]


def _worker(url: str, ready, go, done) -> None:
    """One engine process: tick at 09:00 until idle, then at 10:00 until idle."""
    from engine.clock import VirtualClock
    from engine.runtime.engine import Engine

    database = open_database(url, upgrade=False)
    clock = VirtualClock(bench.START)
    engine = Engine(database, clock)
    with database.session() as session:  # connected and warm before the clock starts
        session.execute(text("SELECT 1"))
    ready.put(True)
    go.wait()
    steps = 0
    for moment in (bench.START, bench.START + timedelta(hours=1)):
        clock.set(moment)
        while (taken := engine.tick().steps):
            steps += taken
    database.dispose()
    done.put((time.monotonic(), steps))


def _prepare(url: str, n: int, steps: list) -> None:
    database = open_database(url)
    with database.session() as session:  # a fresh start for each figure
        session.execute(text("TRUNCATE step_log, message, coupon, enrollment, contact, "
                             "journey_version, journey RESTART IDENTITY CASCADE"))
    engine = bench.Engine(database, bench.VirtualClock(bench.START))
    bench.add_contacts(database, n, bench.START)
    row = bench.publish(engine, bench.chain("Bench", steps))
    bench.enroll_all(database, row, n, bench.START)
    with database.engine.connect() as connection:  # fresh statistics for the planner
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    database.dispose()


def _run(url: str, workers: int) -> tuple[float, int]:
    """(seconds, steps) with `workers` engine processes."""
    context = multiprocessing.get_context("spawn")
    ready, done, go = context.Queue(), context.Queue(), context.Event()
    processes = [context.Process(target=_worker, args=(url, ready, go, done))
                 for _ in range(workers)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=120)
    began = time.monotonic()
    go.set()
    results = [done.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join()
    return max(end for end, _ in results) - began, sum(steps for _, steps in results)


def _duplicates(url: str) -> int:
    database = open_database(url, upgrade=False)
    with database.session() as session:
        twice = session.execute(
            select(StepLog.enrollment_id, StepLog.node_id, StepLog.kind)
            .group_by(StepLog.enrollment_id, StepLog.node_id, StepLog.kind)
            .having(func.count() > 1)).all()
        messages = session.scalar(select(func.count()).select_from(Message))
        distinct = session.scalar(select(func.count(func.distinct(Message.contact_id))))
    database.dispose()
    assert messages == distinct, f"{messages} emails for {distinct} contacts"
    return len(twice)


def main(n: int) -> dict:
    reason = skip_reason()
    if reason is not None:
        raise SystemExit(f"cannot measure PostgreSQL: {reason}")
    url, stop = start_postgres()
    result: dict = {"contacts": n, "database": "postgresql (local, fsync off)"}
    duplicates = 0
    try:
        for workers in (1, 2):
            _prepare(url, n, STEPS)
            seconds, steps = _run(url, workers)
            assert steps == 7 * n, (steps, 7 * n)  # enter, 5 steps (delay twice), exit… all once
            duplicates += _duplicates(url)
            result[f"pg_steps_per_s_{workers}"] = round(steps / seconds)
            _prepare(url, n, EMAILS)
            seconds, steps = _run(url, workers)
            duplicates += _duplicates(url)
            result[f"pg_emails_per_s_{workers}"] = round(n / seconds)
    finally:
        stop()
    result["pg_duplicate_steps"] = duplicates
    return result
