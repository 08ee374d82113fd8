"""Experiments in the editor, as a marketer meets them: open a journey whose A/B test has a
winner — the split's inspector shows the live results (banner, table, bars) and its card
the winner —, open another journey (no results there), come back; the journey settings
hold the holdout and guardrails (an undoable edit); a guardrail pause shows in the header
and its Resume puts the journey live again. The Results view's section reads a report."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from engine.clock import VirtualClock
from engine.db.models import JourneyRow
from engine.experiments.guardrails import Trip, trip
from engine.journey.drafts import store_draft
from tests.engine.harness import Harness
from tests.engine.test_experiment_runtime import sign_up, split_journey
from widgets.experiment_results import ExperimentsSection


def journey_ids(db) -> dict[str, int]:
    with db.session() as session:
        return dict(session.execute(select(JourneyRow.name, JourneyRow.id)).all())


def prepare(db) -> dict[str, int]:
    """"Welcome test" live with a winner called; "Other" a draft."""
    harness = Harness(db, VirtualClock(datetime.now(timezone.utc)))
    harness.publish(split_journey({"metric": "conversion", "min_per_variant": 50}))
    sign_up(harness, [f"u{i}@example.com" for i in range(150)])
    with db.session() as session:
        store_draft(session, split_journey(None, name="Other").to_document(),
                    datetime.now(timezone.utc))
    return journey_ids(db)


def open_and_wait(qtbot, window, journey_id: int):
    assert window.journeys.open_journey(journey_id)
    page = window.editor_page
    qtbot.waitUntil(lambda: page.journey_id == journey_id and not page.is_reading_live(),
                    timeout=10_000)
    return page


def test_open_the_split_see_results_open_another_and_come_back(qtbot, shown_window, db):
    ids = prepare(db)
    page = open_and_wait(qtbot, shown_window, ids["Welcome test"])
    qtbot.waitUntil(lambda: "split" in page.experiments.experiments(), timeout=10_000)
    editor = page.editor
    editor.scene.select_nodes(["split"])
    results = editor.inspector.results
    assert results.isVisible()
    assert results.banner.isVisible() and results.banner.text().startswith("★ Coupon wins")
    assert results.cell(0, 0) == "Coupon ★" and results.cell(1, 0) == "No coupon"
    test = page.experiments.experiments()["split"]
    assert results.cell(0, 1) == f"{test['variants'][0]['n']:,}"
    assert results.cell(0, 3) == "100.0 %" and results.cell(1, 3) == "0.0 %"
    assert len(results.bars.rows) == 2 and results.bars.rows[0][4] is True
    card = editor.scene.node_item("split")
    assert card.winner == "a" and "★ A/B test winner: Coupon" in card.toolTip()
    editor.scene.select_nodes(["goal_a"])
    assert not results.isVisible()  # a step without a test shows none

    other = open_and_wait(qtbot, shown_window, ids["Other"])
    other.editor.scene.select_nodes(["split"])
    assert not other.editor.inspector.results.isVisible()
    assert other.editor.scene.node_item("split").winner is None

    back = open_and_wait(qtbot, shown_window, ids["Welcome test"])
    qtbot.waitUntil(lambda: "split" in back.experiments.experiments(), timeout=10_000)
    back.editor.scene.select_nodes(["split"])
    assert back.editor.inspector.results.isVisible()
    assert back.editor.inspector.results.banner.text().startswith("★ Coupon wins")


def test_holdout_and_guardrails_in_settings_and_a_guardrail_pause(qtbot, shown_window, db):
    ids = prepare(db)
    page = open_and_wait(qtbot, shown_window, ids["Welcome test"])
    editor = page.editor
    editor.scene.select_nodes([])
    form = editor.inspector.settings
    holdout = form.editor("holdout_percent")
    holdout.spin.setValue(10)
    assert page.document.journey.settings.holdout_percent == 10
    guard = form.editor("guardrails")
    guard.parts["bounce_rate"].spin.setValue(3.5)
    assert page.document.journey.settings.guardrails.bounce_rate == 0.035
    page.document.undo_stack.undo()
    assert page.document.journey.settings.guardrails.bounce_rate == 0.05
    assert guard.parts["bounce_rate"].spin.value() == 5.0
    page.document.undo_stack.undo()  # nothing left unsaved (closing would ask)
    assert page.document.journey.settings.holdout_percent == 0

    with db.session() as session:
        row = session.get(JourneyRow, ids["Welcome test"])
        trip(session, row, Trip("the bounce rate reached 6 % over the last 100 emails "
                                "(limit 5 %)", {"sends": 100, "bounces": 6, "unsubscribes": 0,
                                                "complaints": 0}), datetime.now(timezone.utc))
    page.refresh()
    banner = page.header.guardrail
    qtbot.waitUntil(lambda: banner.isVisible() and not page.is_reading_live(), timeout=10_000)
    assert "the bounce rate reached 6 %" in page.header.guardrail_text.text()
    assert "6 bounces" in page.header.guardrail_text.text()
    page.header.guardrail_resume.click()
    qtbot.waitUntil(lambda: page.info.status == "live" and not banner.isVisible(),
                    timeout=10_000)
    with db.session() as session:
        assert session.get(JourneyRow, ids["Welcome test"]).status == "live"


def test_results_section_takes_a_report(qtbot):
    section = ExperimentsSection()
    qtbot.addWidget(section)
    section.show()
    assert section.empty.isVisible()
    report = {"experiments": [{
        "step": "split", "metric": "click", "winner": None, "decided_at": None,
        "min_per_variant": 500, "confidence": 0.95, "auto_winner": True,
        "variants": [
            {"key": "a", "label": "A", "n": 120, "successes": 12, "rate": 0.1, "p_best": 0.2,
             "uplift": None, "ci_low": None, "ci_high": None, "rate_low": 0.06, "rate_high": 0.16},
            {"key": "b", "label": "B", "n": 118, "successes": 18, "rate": 0.152542, "p_best": 0.8,
             "uplift": 0.525, "ci_low": -0.2, "ci_high": 1.9, "rate_low": 0.1, "rate_high": 0.23}]}],
        "holdout": {"percent": 10, "conversion_window": "14 days", "held_out": 50,
                    "treated": 450, "held_out_conversion_rate": 0.1,
                    "treated_conversion_rate": 0.15, "lift": 0.05, "ci_low": -0.04,
                    "ci_high": 0.12, "relative_lift": 0.5, "held_out_revenue_per_contact": 2.0,
                    "treated_revenue_per_contact": 3.5,
                    "repeat_purchase": [{"days": 30, "held_out": 0.1, "treated": 0.2,
                                         "held_out_n": 50, "treated_n": 450}]}}
    section.set_report(report)
    [results] = [r for r in section.results if r.isVisible()]
    assert not section.empty.isVisible() and not results.banner.isVisible()
    assert "500 contacts" in results.status.text() and "A 120 / B 118" in results.status.text()
    assert results.cell(1, 5) == "+52.5 % (-20.0 % to +190.0 %)"
    text = section.holdout.text()
    assert "Lift: <b>+5.0 pts</b>" in text and "-4.0 pts to +12.0 pts" in text
    section.set_report({"experiments": [], "holdout": None})
    assert section.empty.isVisible() and not section.holdout.isVisible()


def test_the_inspector_turns_a_split_into_a_test_and_an_email_into_variants(qtbot):
    from app.journey_document import JourneyDocument
    from tests.widgets.canvas_helpers import show_editor

    journey = split_journey(None, name="Edit me")
    journey.add_node("action.send_email", node_id="mail", config={"template": "tea"})
    journey.set_template({"key": "tea", "name": "Tea", "subject": "Tea", "body": "Hello"})
    journey.set_template({"key": "tea2", "name": "Tea two", "subject": "Tea!", "body": "Hi"})
    document = JourneyDocument(journey)
    editor = show_editor(qtbot, document)
    editor.scene.select_nodes(["split"])
    test = editor.inspector.form.editor("experiment")
    test.box.setChecked(True)  # "Run as an A/B test with a winner"
    block = document.journey.config("split").experiment
    assert (block.metric, block.min_per_variant, block.confidence, block.auto_winner) == (
        "conversion", 500, 0.95, True)
    test.inner.parts["confidence"].spin.setValue(99)
    assert document.journey.config("split").experiment.confidence == 0.99
    assert "A/B test on conversion" in editor.scene.node_item("split").content.summary

    editor.scene.select_nodes(["mail"])
    form = editor.inspector.form
    variants = form.editor("variants")
    variants.add_button.click()
    variants.add_button.click()  # two variants at 0 % each: refused, said under the field
    assert document.journey.config("mail").variants == []
    assert "100%" in form.rows["variants"].error.text()
    variants.rows[0].parts["percent"].spin.setValue(50)
    variants.rows[1].parts["subject"].line.setText("Tea — 20 % off")
    variants.rows[1].parts["subject"].line.textEdited.emit("Tea — 20 % off")
    variants.rows[1].parts["percent"].spin.setValue(50)
    stored = document.journey.config("mail").variants
    assert [(v.key, v.percent, v.subject) for v in stored] == [
        ("a", 50, ""), ("b", 50, "Tea — 20 % off")]
    template = variants.rows[0].parts["template"]
    assert template.combo.findData("tea2") >= 0


def test_notices_are_said_in_the_status_bar(qtbot, shown_window):
    host = shown_window.engine_host
    host.notices_arrived.emit([
        {"kind": "experiment_winner", "journey": "Welcome", "step": "split", "winner": "a",
         "label": "Coupon"},
        {"kind": "guardrail_paused", "journey": "Cart", "action": "paused",
         "reason": "the bounce rate reached 6 %"}])
    message = shown_window.statusBar().currentMessage()
    assert "“Welcome”: Coupon wins the A/B test at “split”" in message
    assert "“Cart”: a guardrail paused it — the bounce rate reached 6 %" in message
