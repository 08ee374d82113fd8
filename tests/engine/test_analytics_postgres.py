"""PostgreSQL: the catch-up (upserts, JSON paths, tuple IN, the watermark lock) gives the
same rollups as on SQLite, for the same random data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from engine.analytics.catchup import catch_up
from engine.analytics.home import home_dashboard
from engine.analytics.list_figures import list_figures
from engine.analytics.report import journey_report
from engine.analytics.results import period_for
from engine.analytics.spikes import spike_warnings
from engine.reports.results_view import journey_results
from tests.engine.analytics_data import T0, Maker, journeys, populate
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


def _fill_and_report(database) -> list[dict]:
    with database.session() as session:
        ids = journeys(session, 2)
        populate(session, Maker(session, 11, ids), 0, 50)
    catch_up(database, chunk=29)
    catch_up(database)  # nothing new: changes nothing
    with database.session() as session:
        found = [journey_report(session, journey_id, "j") for journey_id in ids]
        # what the app's views read on top: the same on both databases too
        today = T0.date() + timedelta(days=40)
        period = period_for("all", today)
        found.append(home_dashboard(session, period_for("90", today), today))
        found.append(journey_results(session, ids[0], period, today))
        found.append({str(k): [s.words() for s in v] for k, v in spike_warnings(
            session, ids, window=20).items()})
        found.append({k: vars(v) if hasattr(v, "__dict__") else repr(v)
                      for k, v in list_figures(session, today, 90).items()})
        return found


def test_same_rollups_as_sqlite(pg, db):
    on_sqlite = _fill_and_report(db)
    on_postgres = _fill_and_report(pg)
    assert on_postgres == on_sqlite
    assert on_sqlite[0]["emails"] and on_sqlite[0]["revenue"] > 0
    assert on_sqlite[2]["has_data"] and any(g["unsubscribed"] for g in on_sqlite[2]["growth"])
    with pg.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM analytics_message")).scalar() > 0
