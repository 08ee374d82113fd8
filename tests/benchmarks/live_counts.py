"""Live counts per step at scale, measured (not a test): `python -m tests.benchmarks.live_counts`.

Builds an SQLite database (migrated to head) with one live journey of 12 steps holding
`--rows` step logs (default 1,000,000) over `--rows / 7` enrollments, two thirds of them
still active, plus a second journey with a fifth as many rows (so the query must skip
rows that are not its own), then prints ONE JSON line:
- `node_counts_ms`: `engine.analytics.live_counts.node_counts` (median of 7 warm runs);
- `naive_ms`: the obvious way in the same run: load the journey's step logs and active
  enrollments and count in Python (median of 3);
- `speedup`: naive / node_counts;
- `before_0002_ms`: the same queries with the indexes of revision 0001 only (the new ones
  dropped at the end of the run), to show what revision 0002 buys;
- `plans`: SQLite's EXPLAIN QUERY PLAN for the two queries (which index answers them);
- `rows`, `enrollments`, `build_s`.
Both ways are checked to give the same answer.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, text

from engine.analytics.live_counts import node_counts
from engine.db import open_database
from engine.db.models import Enrollment, EnrollmentStatus, StepLog

NODES = [f"n{i}" for i in range(12)]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def build(database, journey_rows: dict[int, int], seed: int = 7) -> int:
    """Fill the database; returns the number of enrollments written."""
    rng = random.Random(seed)
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")  # bulk load of consistent data
        enrollments = sum(rows // 7 + 1 for rows in journey_rows.values())
        cursor.executemany(
            "INSERT INTO contact (id, email, first_name, last_name, status, lead_score,"
            " attributes, created_at, updated_at) VALUES (?, ?, '', '', 'active', 0, '{}', ?, ?)",
            ((i, f"c{i}@example.com", NOW, NOW) for i in range(1, enrollments + 1)))
        enrollment_id, log_id = 0, 0
        for journey_id, rows in journey_rows.items():
            cursor.execute("INSERT INTO journey (id, name, description, status, draft, priority,"
                           " created_at, updated_at) VALUES (?, ?, '', 'live', '{}', 0, ?, ?)",
                           (journey_id, f"Journey {journey_id}", NOW, NOW))
            cursor.execute("INSERT INTO journey_version (id, journey_id, number, document,"
                           " published_at, notes) VALUES (?, ?, 1, '{}', ?, '')",
                           (journey_id, journey_id, NOW))
            written = 0
            logs, members = [], []
            while written < rows:
                enrollment_id += 1
                depth = rng.randint(1, len(NODES))
                active = rng.random() < 2 / 3
                members.append((enrollment_id, enrollment_id, journey_id, journey_id,
                                journey_id if active else None, NODES[depth - 1],
                                "active" if active else "completed", NOW))
                for index in range(depth):
                    # a wait or a branch logs a second row at its step
                    for _ in range(2 if index % 3 == 1 else 1):
                        log_id += 1
                        written += 1
                        logs.append((log_id, enrollment_id, enrollment_id, journey_id, journey_id,
                                     NODES[index], "enter", NOW))
            cursor.executemany(
                "INSERT INTO enrollment (id, contact_id, journey_id, version_id, active_journey_id,"
                " node_id, status, state, entered_at, context, step_count)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'ready', ?, '{}', 0)", members)
            cursor.executemany(
                "INSERT INTO step_log (id, enrollment_id, contact_id, journey_id, version_id,"
                " node_id, kind, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?)", logs)
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
        return enrollment_id
    finally:
        raw.close()


def naive_counts(session, journey_id: int) -> dict[str, tuple[int, int]]:
    passed: dict[str, set[int]] = defaultdict(set)
    for node, enrollment in session.execute(
        select(StepLog.node_id, StepLog.enrollment_id).where(StepLog.journey_id == journey_id)
    ):
        passed[node].add(enrollment)
    waiting: dict[str, int] = defaultdict(int)
    for (node,) in session.execute(
        select(Enrollment.node_id).where(Enrollment.journey_id == journey_id,
                                         Enrollment.status == EnrollmentStatus.ACTIVE)
    ):
        waiting[node] += 1
    return {node: (waiting.get(node, 0), len(passed.get(node, ())))
            for node in passed.keys() | waiting.keys()}


def median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 1)


def plans(database, journey_id: int) -> list[str]:
    statements = [
        "SELECT node_id, count(*) FROM enrollment WHERE journey_id = :j AND status = 'active'"
        " GROUP BY node_id",
        "SELECT node_id, count(DISTINCT enrollment_id) FROM step_log WHERE journey_id = :j"
        " GROUP BY node_id",
    ]
    with database.engine.connect() as connection:
        return ["; ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {s}"),
                                                                {"j": journey_id}))
                for s in statements]


def before_0002(database) -> float:
    """node_counts with revision 0001's indexes (this changes the database: run it last)."""
    with database.engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_step_log_journey_id_node_id_enrollment_id"))
        connection.execute(text("DROP INDEX ix_enrollment_journey_id_status_node_id"))
        connection.execute(text("CREATE INDEX ix_enrollment_journey_id_status"
                                " ON enrollment (journey_id, status)"))
        connection.execute(text("ANALYZE"))
    with database.session() as session:
        return median_ms(lambda: node_counts(session, 1), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trellis-bench-") as folder:
        database = open_database(f"sqlite:///{Path(folder) / 'live.db'}")
        began = time.perf_counter()
        enrollments = build(database, {1: args.rows, 2: args.rows // 5})
        build_s = round(time.perf_counter() - began, 1)
        with database.session() as session:
            fast = node_counts(session, 1)
            slow = naive_counts(session, 1)
            if fast != slow:
                raise SystemExit(f"the two ways disagree:\n{fast}\n{slow}")
            fast_ms = median_ms(lambda: node_counts(session, 1), 7)
            naive_ms = median_ms(lambda: naive_counts(session, 1), 3)
        query_plans = plans(database, 1)
        before_ms = before_0002(database)
        print(json.dumps({
            "rows": args.rows, "enrollments": enrollments, "build_s": build_s,
            "node_counts_ms": fast_ms, "naive_ms": naive_ms,
            "speedup": round(naive_ms / fast_ms, 1) if fast_ms else None,
            "before_0002_ms": before_ms, "plans": query_plans,
        }))
        database.dispose()


if __name__ == "__main__":
    main()
