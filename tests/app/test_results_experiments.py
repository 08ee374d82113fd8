"""The Results view's Experiments section on real engine data: a journey's A/B test, run on
the virtual clock, reaches the view's result (`journey_results`) and the section shows
each variant's contacts; a journey without a test says it has none."""

from __future__ import annotations

from sqlalchemy import select

from engine.analytics.catchup import catch_up
from engine.db.models import JourneyRow
from engine.analytics.results import Period
from engine.reports.results_view import journey_results
from tests.engine.harness import Harness
from tests.engine.test_experiment_runtime import sign_up, split_journey
from widgets.results_sections import SECTIONS, ExperimentSection


def test_the_results_view_lists_a_journeys_ab_test(qtbot, db, clock):
    h = Harness(db, clock)
    h.publish(split_journey({"metric": "conversion", "min_per_variant": 50,
                             "confidence": 0.95, "auto_winner": True}))
    with db.session() as session:
        journey_id = session.scalar(select(JourneyRow.id).where(JourneyRow.name == "Welcome test"))
    sign_up(h, [f"u{i}@example.com" for i in range(40)])
    catch_up(db)
    with db.session() as session:
        results = journey_results(session, journey_id, Period(None, None), clock.now().date())
    tests = results["experiments"]["experiments"]
    assert [t["step"] for t in tests] == ["split"]
    n = {v["key"]: v["n"] for v in tests[0]["variants"]}
    assert sum(n.values()) == 40

    assert ExperimentSection in SECTIONS
    section = ExperimentSection()
    qtbot.addWidget(section)
    section.show_results(results)
    shown = section.content.results[0]
    assert not shown.isHidden()
    assert [shown.cell(row, 1) for row in range(2)] == [str(n["a"]), str(n["b"])]
    assert section.content.empty.isHidden()

    section.show_results({"experiments": {"experiments": [], "holdout": None}})
    assert not section.content.empty.isHidden()
