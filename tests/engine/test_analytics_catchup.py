"""The catch-up as the runner runs it: two at once count nothing twice, and a failing run
is logged and retried, never raised into the scheduler."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import text

from engine.analytics.catchup import catch_up, catch_up_job
from engine.analytics.report import journey_report
from tests.engine.analytics_data import Maker, journeys, populate


def _report(db, ids):
    with db.session() as session:
        return [journey_report(session, journey_id, "j") for journey_id in ids]


def test_two_catch_ups_at_once_count_once(db, db_url, tmp_path):
    from engine.db import open_database

    with db.session() as session:
        ids = journeys(session, 2)
        populate(session, Maker(session, 5, ids), 0, 60)
    other = open_database(db_url)  # a second engine: as a `report` beside the runner
    errors = []

    def run(database):
        try:
            catch_up(database, chunk=17)
        except Exception as error:  # pragma: no cover - shown by the assert below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(d,)) for d in (db, other, db)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    assert errors == []
    together = _report(db, ids)

    # the same data folded once, alone, in a fresh database
    from engine.db import open_database as open_again
    alone_db = open_again(f"sqlite:///{tmp_path / 'alone.db'}")
    with alone_db.session() as session:
        populate(session, Maker(session, 5, journeys(session, 2)), 0, 60)
    catch_up(alone_db)
    assert _report(alone_db, ids) == together
    alone_db.dispose()


def test_the_runner_job_logs_failures_and_catches_up_later(db, caplog):
    with db.session() as session:
        ids = journeys(session, 1)
        populate(session, Maker(session, 3, ids), 0, 20)
    job, seconds = catch_up_job(db)
    assert seconds > 0
    with db.engine.begin() as connection:  # a broken rollup table: the job must not raise
        connection.execute(text("ALTER TABLE analytics_step_day RENAME TO broken"))
    with caplog.at_level(logging.ERROR, logger="trellis.analytics"):
        job()
    assert "analytics catch-up failed" in caplog.text
    with db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE broken RENAME TO analytics_step_day"))
    job()  # the next run does the work the failed one rolled back
    report = _report(db, ids)[0]
    assert report["entered"] > 0 and report["steps"]


def test_the_runner_job_says_when_it_folded_something(db):
    """The app re-reads its figures after a catch-up that changed them, not after each."""
    folded = []
    job, _seconds = catch_up_job(db, on_folded=lambda: folded.append(True))
    job()
    assert folded == []  # an empty database: nothing to fold
    with db.session() as session:
        populate(session, Maker(session, 3, journeys(session, 1)), 0, 20)
    job()
    assert folded == [True]
    job()
    assert folded == [True]  # nothing new since


def test_the_runner_runs_its_extra_jobs_at_start(db, clock):
    """A window opened after a headless run must not wait a whole interval for figures."""
    from engine.runtime.engine import Engine
    from engine.runtime.runner import EngineRunner

    ran = threading.Event()
    runner = EngineRunner(Engine(db, clock), interval=3600, extra_jobs=[(ran.set, 3600)])
    runner.start()
    try:
        assert ran.wait(10)
    finally:
        runner.stop()
