"""PostgreSQL: a canary and an entry guard work as on SQLite (JSONB guard, the
canary's figures with FILTER, refusal lines written in bulk)."""

from __future__ import annotations

from collections import Counter

import pytest

from engine.clock import VirtualClock
from tests.engine.harness import Harness
from tests.engine.test_canary import D, NAME, release_state_of, scores, sign_up, version_of, welcome
from tests.postgres_server import skip_reason

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
]


@pytest.fixture(scope="module")
def pg(pg_url):
    from engine.db import open_database

    database = open_database(pg_url)
    yield database
    database.dispose()


def test_canary_guard_and_rollback_on_postgres(pg, clock):
    h = Harness(pg, VirtualClock(clock.now()))
    guard = {"rules": [{"kind": "field", "field": "country", "op": "equals", "value": "DE"}]}
    h.publish(welcome(1), entry_guard=guard)
    h.publish(welcome(2), canary=30)
    sign_up(h, [f"de{i}@example.com" for i in range(400)], country="DE")
    sign_up(h, [f"us{i}@example.com" for i in range(50)], country="US")
    sign_up(h, [f"us{i}@example.com" for i in range(50)], country="US")
    versions = version_of(h)
    counts = Counter(v[0] for v in versions.values())
    assert sum(counts.values()) == 400 and 80 < counts[2] < 160, counts
    assert all(h.timeline(f"us{i}@example.com")[-1][2:] == ("skip", "entry_guard")
               and len(h.timeline(f"us{i}@example.com")) == 1 for i in range(50))
    h.run_for(2 * D)
    state = release_state_of(h)
    assert state.canary_figures.entered == counts[2] and state.canary_figures.rate == 1.0
    assert state.guard_words == "country is 'DE'"
    h.engine.rollback_canary(NAME, "complaint rate 0.5 % over 0.3 %")
    sign_up(h, [f"late{i}@example.com" for i in range(20)], country="DE")
    h.run_for(2 * D)
    assert all(version_of(h)[f"late{i}@example.com"] == [1] for i in range(20))
    assert all(scores(h)[f"late{i}@example.com"] == 1 for i in range(20))
    assert release_state_of(h).last_canary["reason"] == "complaint rate 0.5 % over 0.3 %"
