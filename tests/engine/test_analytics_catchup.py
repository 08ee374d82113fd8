"""The catch-up as the runner runs it: two at once count nothing twice, and a failing run
is logged and retried, never raised into the scheduler."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import text

from engine.analytics.catchup import catch_up, catch_up_job
from engine.analytics.report import journey_report
from engine.intake.events import parse_event, record_contact_upsert, record_events
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


def test_the_runner_runs_its_extra_jobs_soon_after_a_tick_that_did_work(db, clock):
    """Sign-ups entered a journey: the catch-up runs within a second or so, not at the end
    of its interval, so the journeys list's "Entered" follows its live "Active" count. A
    tick with nothing to do leaves it alone."""
    from engine.journey.model import Journey
    from engine.runtime.runner import EngineRunner
    from tests.engine.harness import Harness

    h = Harness(db, clock)
    journey = Journey("Welcome")
    journey.add_node("trigger.event", node_id="t", config={"event": "signed_up"})
    journey.add_node("flow.delay", node_id="d", config={"duration": "1 day"})
    journey.connect("t", "next", "d")
    h.publish(journey)
    runs, ticks = [], []
    ran = threading.Event()

    def job():
        runs.append(True)
        ran.set()

    runner = EngineRunner(h.engine, interval=3600, extra_jobs=[(job, 3600)],
                          on_tick=ticks.append)
    runner.start()
    try:
        assert ran.wait(10)  # at start
        deadline = time.monotonic() + 10
        while not ticks and time.monotonic() < deadline:  # the first tick: nothing to do
            time.sleep(0.01)
        assert ticks and ticks[0].steps == 0
        time.sleep(1.5)
        assert len(runs) == 1
        ran.clear()
        with db.session() as session:
            record_contact_upsert(session, {"email": "ana@example.com"}, now=clock.now(),
                                  source="test")
            record_events(session, [parse_event({"contact": "ana@example.com",
                                                 "name": "signed_up", "properties": {},
                                                 "at": None})], now=clock.now(), source="test")
        runner.wake()
        assert ran.wait(10)
        assert len(runs) == 2 and ticks[-1].steps > 0
    finally:
        runner.stop()
