"""Segment counts at scale, measured (not a test): `python -m tests.benchmarks.segments`.

Builds an SQLite file (migrated to head) with `--contacts` contacts (default 100,000) and
`--events` events (default 1,000,000) over 400 days (tests/engine/segments_data.py), then
prints ONE JSON line:
- `count_ms`: `matching_ids` of a three-rule segment — ordered 2+ times in the last 90
  days, lead score above 10, opened or clicked in the last 30 days — median of 5 warm runs
  (target < 300);
- `refresh_all_starter_s`: `refresh_all` of the seven starter segments (their first
  computation, members stored; target < 5) and `refresh_again_s` (the next refresh,
  which compares with what is stored);
- `naive_count_ms`: the plain way, one evaluation (a few queries) per contact with
  `condition_holds`, timed on `--naive-sample` contacts and scaled to all of them
  (`naive_sample`: how many were run; the full run would take minutes);
- `speedup`: naive / count; `count`: the segment's size; `same_answer`: the two ways agree
  on the sampled contacts;
- `contacts`, `events`, `build_s`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from engine.conditions.evaluate import condition_holds
from engine.conditions.facts import CONTACT_COLUMNS
from engine.conditions.sets import matching_ids
from engine.db import open_database
from engine.nodes.common import Condition
from engine.runtime.batch import Batch
from engine.segments.refresh import refresh_all
from engine.segments.starter import add_starter_segments
from engine.settings import load_settings
from tests.engine.segments_data import fill

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
THREE_RULES = Condition.model_validate({"match": "all", "rules": [
    {"kind": "event", "event": "order_completed", "min_count": 2, "within": "90d"},
    {"kind": "field", "field": "lead_score", "op": "greater", "value": 10},
    {"kind": "engagement", "engaged": True, "within": "30d"},
]})


def measure(contacts: int, events: int, naive_sample: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(f"sqlite:///{Path(folder) / 'segments.db'}")
        started = time.perf_counter()
        with database.session() as session:
            fill(session, NOW, contacts=contacts, events=events)
        build_s = time.perf_counter() - started
        with database.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
        runs = []
        for _ in range(5):
            with database.session() as session:
                started = time.perf_counter()
                ids = matching_ids(session, THREE_RULES, NOW)
                runs.append(time.perf_counter() - started)
        with database.session() as session:
            add_starter_segments(session, NOW)
        with database.session() as session:
            started = time.perf_counter()
            refresh_all(session, NOW)
            refresh_s = time.perf_counter() - started
        with database.session() as session:
            started = time.perf_counter()
            refresh_all(session, NOW)
            again_s = time.perf_counter() - started
        with database.session() as session:
            facts = Batch(session, NOW, load_settings(session))
            rows = session.execute(select(*CONTACT_COLUMNS).order_by(CONTACT_COLUMNS[0])
                                   .limit(naive_sample)).mappings().all()
            started = time.perf_counter()
            naive = {row["id"] for row in rows
                     if condition_holds(THREE_RULES, dict(row), facts, NOW)}
            naive_s = (time.perf_counter() - started) * contacts / max(len(rows), 1)
        sampled = {row["id"] for row in rows}
        database.dispose()
    count_ms = statistics.median(runs) * 1000
    return {
        "benchmark": "segments", "contacts": contacts, "events": events,
        "count_ms": round(count_ms, 1), "count": len(ids),
        "refresh_all_starter_s": round(refresh_s, 2), "refresh_again_s": round(again_s, 2),
        "naive_count_ms": round(naive_s * 1000), "naive_sample": len(rows),
        "speedup": round(naive_s * 1000 / count_ms, 1),
        "same_answer": naive == ids & sampled, "build_s": round(build_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--naive-sample", type=int, default=5_000)
    args = parser.parse_args()
    print(json.dumps(measure(args.contacts, args.events, args.naive_sample)))


if __name__ == "__main__":
    main()
