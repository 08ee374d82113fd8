"""The Results view reads off the GUI thread: while a read is slow the view answers, and
an answer that arrives after a later read was asked for is dropped — whatever order the
answers come back in."""

from __future__ import annotations

import threading
from datetime import date

from widgets.background_call import BackgroundCall
from widgets.results_view import ResultsView

TODAY = date(2026, 3, 10)


def _results(journey_id: int, period) -> dict:
    report = {"entered": journey_id, "in_progress": 0, "converted": 0, "conversion_rate": 0.0,
              "revenue": 0.0, "orders_without_revenue": 0, "emails": [], "steps": [],
              "paths": [], "tracking": True, "untracked_sent": 0}
    kpis = [{"key": "entered", "label": "Entered", "kind": "count", "value": journey_id,
             "previous": None}]
    return {"journey_id": journey_id, "journey": f"J{journey_id}", "period": period.words(),
            "report": report, "previous": None, "kpis": kpis, "funnel": [], "cohorts": [],
            "daily": [{"day": "2026-03-10", "entered": journey_id, "sent": 0, "opens": 0,
                       "clicks": 0, "conversions": 0, "revenue": 0.0}],
            "titles": {}, "spikes": [], "tracking_note": None, "currency": "USD",
            "has_data": True}


def test_a_slow_read_keeps_the_view_answering_and_late_answers_are_dropped(qtbot):
    gates: dict[int, threading.Event] = {1: threading.Event(), 2: threading.Event()}
    asked: list[int] = []

    def load(journey_id, period):
        asked.append(journey_id)
        assert gates[journey_id].wait(10)
        return _results(journey_id, period)

    view = ResultsView(load, lambda: TODAY)
    qtbot.addWidget(view)
    view.show_journey(1, "J1")
    assert view.loading and view.state() == "loading"  # returned at once: the read runs aside
    view.period.setCurrentIndex(0)  # the view still answers: another period is asked for
    view.show_journey(2, "J2")
    qtbot.waitUntil(lambda: len(asked) == 3, timeout=5_000)
    gates[2].set()  # the latest read answers first…
    qtbot.waitUntil(lambda: view.results is not None, timeout=5_000)
    assert view.results["journey_id"] == 2 and not view.loading
    gates[1].set()  # …then the two older ones, late
    qtbot.waitUntil(lambda: not any(c.running for c in view.findChildren(BackgroundCall)),
                    timeout=5_000)
    assert view.results["journey_id"] == 2 and view.state() == "shown"
    assert view.sections[0].tiles["entered"].value.text() == "2"
    assert "J2" in view.header.title.text()


def test_a_failed_read_says_why(qtbot):
    def load(journey_id, period):
        raise LookupError(f"there is no journey with id {journey_id}")

    view = ResultsView(load, lambda: TODAY)
    qtbot.addWidget(view)
    view.show_journey(9)
    qtbot.waitUntil(lambda: not view.loading, timeout=5_000)
    assert view.state() == "error" and "no journey with id 9" in view.status.text()


def test_custom_period_starts_at_the_last_30_days_and_reads_the_days_chosen(qtbot):
    periods = []

    def load(journey_id, period):
        periods.append(period)
        return _results(journey_id, period)

    view = ResultsView(load, lambda: TODAY)
    qtbot.addWidget(view)
    view.show_journey(1)
    qtbot.waitUntil(lambda: not view.loading, timeout=5_000)
    view.period.setCurrentIndex(view.period.findData("custom"))
    qtbot.waitUntil(lambda: not view.loading, timeout=5_000)
    assert view.first.isVisibleTo(view) and view.apply.isVisibleTo(view)
    assert (periods[-1].start, periods[-1].end) == (date(2026, 2, 9), TODAY)
    view.first.setDate(view.first.date().addDays(20))  # the marketer picks other days
    view.apply.click()
    qtbot.waitUntil(lambda: not view.loading, timeout=5_000)
    assert periods[-1].start == date(2026, 3, 1) and periods[-1].days == 10
    view.last.setDate(view.first.date().addDays(-1))  # ends before it starts: said, not read
    view.apply.click()
    assert view.state() == "error" and "before it starts" in view.status.text()
