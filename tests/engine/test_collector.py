"""The cycle collector's pause (engine/db/collector.py): counted across nested and concurrent
bodies, ended once after the last, and never turning on a collector that was off; and
the bulk paths (steps, matching, intake) run inside it."""

from __future__ import annotations

import gc
import threading

import pytest

from engine.db import collector
from engine.intake import events
from engine.intake.events import parse_event, record_events
from engine.journey.compiled import VersionCache
from engine.runtime import matching


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_nested_pauses_end_with_the_outer_one():
    with collector.paused_gc():
        with collector.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_pauses_on_two_threads_end_after_the_last():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def second():
        first_in.wait(5)
        with collector.paused_gc():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())  # the first body has ended: still paused

    thread = threading.Thread(target=second)
    thread.start()
    with collector.paused_gc():
        first_in.set()
        second_in.wait(5)
    first_out.set()
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector.paused_gc():
        pass
    assert not gc.isenabled()


def test_intake_and_matching_run_paused(db, clock, monkeypatch):
    seen = {}
    record, match = events._record_events, matching._match_batch

    def recording(*args, **kwargs):
        seen["intake"] = gc.isenabled()
        return record(*args, **kwargs)

    def matching_batch(*args, **kwargs):
        seen["matching"] = gc.isenabled()
        return match(*args, **kwargs)

    monkeypatch.setattr(events, "_record_events", recording)
    monkeypatch.setattr(matching, "_match_batch", matching_batch)
    with db.session() as session:
        record_events(session, [parse_event({"contact": "a@example.com", "name": "signed_up"})],
                      now=clock.now(), source="test")
    assert matching.process_events(db, clock.now(), VersionCache()) == 1
    assert seen == {"intake": False, "matching": False}
    assert gc.isenabled()
