"""A/B winners, holdouts and guardrail holds on PostgreSQL: the same engine paths and
report as on SQLite, on a real server."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from engine.clock import VirtualClock
from engine.db import open_database
from engine.db.models import ExperimentResult
from engine.reports.journey_reports import reports
from tests.engine.harness import Harness
from tests.engine.test_experiment_runtime import sign_up, split_journey
from tests.postgres_server import skip_reason

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


def test_winner_and_holdout_on_postgres(pg_url):
    database = open_database(pg_url)
    try:
        h = Harness(database, VirtualClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc)))
        journey = split_journey({"metric": "conversion", "min_per_variant": 50})
        journey.set_settings({"re_entry": {"mode": "always"}, "holdout_percent": 10})
        h.publish(journey)
        sign_up(h, [f"pg{i}@example.com" for i in range(200)])
        with database.session() as session:
            stored = session.scalar(select(ExperimentResult))
        assert stored.winner == "a"
        [report] = reports(database, "Welcome test")
        [test] = report["experiments"]
        holdout = report["holdout"]
        assert sum(v["n"] for v in test["variants"]) + holdout["held_out"] == 200
        assert 5 < holdout["held_out"] < 40
    finally:
        database.dispose()
