"""The Segments page and builder on a real database: starters, live counts as rules
change, unknown event names flagged, save, a refused cycle, delete."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.segments_source import SegmentSource
from engine.clock import VirtualClock
from tests.engine.harness import Harness
from widgets.segments_page import SegmentsPage


@pytest.fixture
def page(qtbot, db):
    clock = VirtualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    h = Harness(db, clock)
    h.contact("big@example.com")
    h.contact("small@example.com")
    h.contact("none@example.com")
    h.event("big@example.com", "order_completed", {"revenue": 300})
    h.event("big@example.com", "order_completed", {"revenue": 20})
    h.event("small@example.com", "order_completed", {"revenue": 15})
    page = SegmentsPage(SegmentSource(db, clock.now))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.builder.suggestions_loaded, timeout=5000):
        page.refresh()
    page.show()
    return page


def rules(page):
    return page.builder.condition.rules


def test_starters_then_pick_edit_count_save_and_delete(qtbot, page):
    assert page.starters.isVisible() and page.names() == []
    qtbot.mouseClick(page.starters, qtbot_button())
    assert page.names() == sorted(["New", "Returning customers", "Active", "Inactive",
                                   "Engaged", "VIP", "At risk"])
    assert not page.starters.isVisible()
    page.select("VIP")
    builder = page.builder
    assert builder.name.text() == "VIP"
    with qtbot.waitSignal(builder.counted, timeout=5000) as got:
        pass
    assert got.args == [1]
    assert [builder.sample.item(i).text() for i in range(builder.sample.count())] == [
        "big@example.com"]
    assert "Used by: no journey" in builder.used_by.text()
    assert "2026-03-02: 1" in builder.history.text()
    # lower the least total: the small spender joins, counted in the background
    value = rules(page).value()
    value[0]["min_sum"] = 10
    rules(page).set_value(value)
    with qtbot.waitSignal(builder.counted, timeout=5000) as got:
        builder.rules_changed()
    assert got.args == [2]
    # an event name nobody ever sent is flagged, with the closest known one
    value[0]["event"] = "order_complete"
    rules(page).set_value(value)
    with qtbot.waitSignal(builder.counted, timeout=5000):
        builder.rules_changed()
    assert "did you mean “order_completed”" in builder.warnings.text()
    value[0]["event"], value[0]["sum_property"] = "order_completed", "revenu"
    rules(page).set_value(value)
    with qtbot.waitSignal(builder.counted, timeout=5000):
        builder.rules_changed()
    assert "never have “revenu” — did you mean “revenue”" in builder.warnings.text()
    shown = [builder.suggestions.item(i).text() for i in range(builder.suggestions.count())]
    assert shown == ["order_completed  (3)", "    revenue  (3)"]
    value[0]["sum_property"] = "revenue"
    # save under a new name: it joins the list with its size
    builder.name.setText("Spenders")
    value[0]["event"] = "order_completed"
    rules(page).set_value(value)
    qtbot.mouseClick(builder.save, qtbot_button())
    assert "Spenders" in page.names()
    assert page.list.currentItem().text() == "Spenders  ·  2"
    assert "VIP" not in page.names()  # renamed
    page.builder.delete.click()
    assert "Spenders" not in page.names()


def test_a_cycle_is_refused_in_words_and_nothing_is_saved(qtbot, page):
    builder = page.builder
    page.start_new()
    builder.name.setText("Loop")
    rules(page).set_value([{"kind": "segment", "segment": "Loop", "member": True}])
    qtbot.mouseClick(builder.save, qtbot_button())
    assert "refers to itself" in builder.error.text() and builder.error.isVisible()
    assert page.names() == []


def test_incomplete_rules_say_why_instead_of_a_count(qtbot, page):
    builder = page.builder
    page.start_new()
    rules(page).set_value([{"kind": "event", "event": "", "did": True, "min_count": 1}])
    builder._ask_count()
    assert builder.count_label.text().startswith("Rule 1:")


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
