"""PostgreSQL: the catch-up (upserts, JSON paths, tuple IN, the watermark lock) gives the
same rollups as on SQLite, for the same random data."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.analytics.catchup import catch_up
from engine.analytics.report import journey_report
from tests.engine.analytics_data import Maker, journeys, populate
from tests.postgres_server import skip_reason, start_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
]


@pytest.fixture(scope="module")
def pg():
    from engine.db import open_database

    url, stop = start_postgres()
    database = open_database(url)
    yield database
    database.dispose()
    stop()


def _fill_and_report(database) -> list[dict]:
    with database.session() as session:
        ids = journeys(session, 2)
        populate(session, Maker(session, 11, ids), 0, 50)
    catch_up(database, chunk=29)
    catch_up(database)  # nothing new: changes nothing
    with database.session() as session:
        return [journey_report(session, journey_id, "j") for journey_id in ids]


def test_same_rollups_as_sqlite(pg, db):
    on_sqlite = _fill_and_report(db)
    on_postgres = _fill_and_report(pg)
    assert on_postgres == on_sqlite
    assert on_sqlite[0]["emails"] and on_sqlite[0]["revenue"] > 0
    with pg.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM analytics_message")).scalar() > 0
