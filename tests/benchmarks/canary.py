"""Entry with a canary and a guard, measured (not a test):
`python -m tests.benchmarks.canary [--contacts N]`.

Prints ONE JSON line: N contacts each send one `signed_up` event; the time to match and
enroll them all (`process_events` on a SQLite file), in events per second:
- `plain_events_per_s`: a live journey, no canary, no guard (the engine as before);
- `canary_guard_events_per_s`: a 10 % canary beside the live version and a guard
  (`country` is one of three), contacts loaded once per batch for the guard;
- `naive_guard_events_per_s`: the same, with each contact loaded on its own when the
  guard asks (what a gate without the per-batch load costs);
- `canary_share`: the share of entrants the canary took (expected 0.10).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from engine.clock import VirtualClock
from engine.db import open_database
from engine.db.models import Contact, Enrollment, JourneyVersion
from engine.intake.events import EventInput, record_events
from engine.journey.store import save_draft
from engine.runtime.engine import Engine
from engine.runtime.entry import EntryGate
from tests.benchmarks.engine_parts import CHUNK, START, chain

GUARD = {"match": "all", "rules": [{"kind": "field", "field": "country", "op": "in_list",
                                    "value": ["DE", "FR", "NL"]}]}


def _setup(folder: Path, name: str, n: int, release: bool) -> Engine:
    database = open_database(f"sqlite:///{folder / name}")
    engine = Engine(database, VirtualClock(START))
    with database.session() as session:
        for start in range(0, n, CHUNK):
            session.execute(insert(Contact), [
                {"email": f"c{i}@example.com", "first_name": "", "last_name": "",
                 "country": ("DE", "FR", "NL", "US")[i % 4], "status": "active",
                 "lead_score": 0, "attributes": {}, "created_at": START, "updated_at": START}
                for i in range(start, min(n, start + CHUNK))])
    steps = [("action.adjust_score", {"delta": 1}), ("flow.goal", {})]
    trigger = ("trigger.event", {"event": "signed_up"})
    for delta in (1, 2) if release else (1,):
        steps[0] = ("action.adjust_score", {"delta": delta})
        journey = chain("Welcome", steps, trigger)
        with database.session() as session:
            save_draft(session, journey.to_document(), now=START, replace=True)
        if delta == 1:
            engine.publish("Welcome", entry_guard=GUARD if release else None)
        else:
            engine.publish("Welcome", canary=10)
    with database.session() as session:
        for start in range(0, n, CHUNK):
            record_events(session, [EventInput(f"c{i}@example.com", "signed_up", {}, START)
                                    for i in range(start, min(n, start + CHUNK))],
                          now=START, source="bench")
    return engine


def _match(engine: Engine) -> float:
    from engine.runtime.matching import process_events

    began = time.perf_counter()
    process_events(engine.database, engine.clock.now(), engine.cache)
    return time.perf_counter() - began


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.database.session() as session:
        rows = dict(session.execute(select(JourneyVersion.number, func.count())
                                    .join(Enrollment, Enrollment.version_id == JourneyVersion.id)
                                    .group_by(JourneyVersion.number)).all())
    return rows.get(1, 0), rows.get(2, 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=20_000)
    n = parser.parse_args().contacts
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        plain = _setup(folder, "plain.db", n, release=False)
        plain_s = _match(plain)
        assert sum(_counts(plain)) == n
        gated = _setup(folder, "gated.db", n, release=True)
        gated_s = _match(gated)
        live, canary = _counts(gated)
        assert live + canary == n * 3 // 4, (live, canary)
        naive = _setup(folder, "naive.db", n, release=True)
        prepare = EntryGate.prepare
        EntryGate.prepare = lambda self, contact_ids: None  # each contact loaded when asked
        try:
            naive_s = _match(naive)
        finally:
            EntryGate.prepare = prepare
        assert sum(_counts(naive)) == n * 3 // 4
        for engine in (plain, gated, naive):
            engine.database.dispose()
    print(json.dumps({
        "contacts": n,
        "plain_events_per_s": round(n / plain_s),
        "canary_guard_events_per_s": round(n / gated_s),
        "naive_guard_events_per_s": round(n / naive_s),
        "canary_share": round(canary / (live + canary), 3),
    }))


if __name__ == "__main__":
    main()
