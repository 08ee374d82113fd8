"""The Results view as a marketer uses it, on a real database: open a journey's results
from the list, go back, open another's (the figures are the second's, also when the
first read answers late), switch the period (an empty one says "No data yet"), export a
table to CSV and a chart to PNG, and reach the same view from the editor's header."""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta, timezone

import pytest
from PySide6.QtCore import Qt

from app.results_flow import utc_today
from app.starters import list_starters
from tests.app.journeys_list import journeys_read
from tests.engine.test_analytics_report import Shop


def _day(days_ago: int) -> datetime:
    return datetime.combine(utc_today() - timedelta(days=days_ago), time(9), tzinfo=timezone.utc)


@pytest.fixture
def shop(db):
    """Journey 0: 2 contacts, 3 emails (1 opened); journey 1: 5 contacts, 5 emails sent
    while tracking was off."""
    shop = Shop(db, journey_count=2)
    first, second = shop.journeys
    for n in range(2):
        who = shop.contact(f"a{n}@example.com")
        run = shop.enroll(who, first, at=_day(3))
        key = shop.send(who, run, "e1", _day(3) + timedelta(hours=1), journey=first)
        if n == 0:
            shop.send(who, run, "e2", _day(2), journey=first)
            shop.event(who, "email_opened", _day(2) + timedelta(hours=1), message_key=key)
    for n in range(5):
        who = shop.contact(f"b{n}@example.com")
        run = shop.enroll(who, second, at=_day(4))
        shop.send(who, run, "e1", _day(4) + timedelta(hours=1), journey=second, tracked=False)
    return shop


def _shown(qtbot, view):
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    return view.results


def _kpi(view, key: str) -> str:
    return view.sections[0].tiles[key].value.text()


def test_open_back_open_another_period_and_exports(shown_window, shop, qtbot, tmp_path):
    window = shown_window
    first, second = shop.journeys
    window.show_results(first)
    view = window.results_view
    assert window.current_page() == "results" and view.state() == "loading"
    results = _shown(qtbot, view)
    assert results["journey_id"] == first and view.state() == "shown"
    assert _kpi(view, "entered") == "2" and _kpi(view, "sent") == "3"
    assert not view.sections[0].notes.isVisibleTo(view)  # tracked, no spike: nothing to say
    assert "journey 0" in view.header.title.text()
    emails = view.table("emails")
    assert [emails.cell(r, 2) for r in range(emails.table.rowCount())] == ["2", "1"]

    view.back.click()
    assert window.current_page() == "journeys"
    window.show_results(second)
    assert _shown(qtbot, view)["journey_id"] == second
    assert _kpi(view, "entered") == "5" and "journey 1" in view.header.title.text()
    notes = view.sections[0].notes
    assert "Opens and clicks are not tracked for all emails sent" in notes.text()

    # a read for the first journey that answers after the second was asked for is dropped
    window.show_results(first)
    window.show_results(second)
    assert _shown(qtbot, view)["journey_id"] == second and _kpi(view, "entered") == "5"

    # a period with nothing in it: "No data yet", then back to figures
    last_year = utc_today() - timedelta(days=400)
    view.set_period("custom", last_year, last_year + timedelta(days=6))
    _shown(qtbot, view)
    assert view.state() == "empty" and "No data yet" in view.status.text()
    view.set_period("7")
    assert _shown(qtbot, view)["period"] != "all time" and view.state() == "shown"
    # the KPI tiles compare with the 7 days before: nothing then
    assert "new vs previous" in view.sections[0].tiles["entered"].change.text()

    out = tmp_path / "emails.csv"
    view.table("emails").export_csv(out)
    lines = list(csv.reader(out.open(encoding="utf-8")))
    assert lines[0][:3] == ["Email step", "Template", "Sent"]
    assert lines[1][2] == "5" and lines[1][6] == "0.0"  # raw numbers, rates as fractions
    png = tmp_path / "daily.png"
    view.chart("daily").save_png(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_results_from_the_list_and_from_the_editor(shown_window, shop, qtbot):
    window = shown_window
    page = window.journeys_page
    window.show_page("journeys")
    journeys_read(qtbot, window)
    assert not page.results_button.isEnabled()  # no row selected yet
    assert page.select_journey(shop.journeys[1])
    assert page.results_button.isEnabled()
    page.results_button.click()  # the header's Results (the row's menu does the same)
    assert window.current_page() == "results"
    assert _shown(qtbot, window.results_view)["journey_id"] == shop.journeys[1]

    starter = list_starters()[0]
    assert window.journeys.new_journey(starter, starter.name)  # opens in the editor
    fresh = window.editor_page.journey_id
    window.editor_page.header.results.click()
    view = window.results_view
    assert window.current_page() == "results"
    assert _shown(qtbot, view)["journey_id"] == fresh
    assert view.state() == "empty" and starter.name in view.header.title.text()
    view.back.click()  # back where it came from: the editor
    assert window.current_page() == "editor" and window.editor_page.journey_id == fresh
    window.show_results(fresh)
    _shown(qtbot, view)
    view.edit.click()  # "Edit journey" opens it in the editor again
    assert window.current_page() == "editor"


def test_list_columns_and_spike_warnings_in_the_list_and_status_bar(shown_window, shop, qtbot):
    from engine.analytics.catchup import catch_up
    from tests.engine.test_analytics_spikes import write_sends

    window = shown_window
    first, second = shop.journeys
    # journey 0's latest 200 emails: 2 % unsubscribed, against 0 % in the 300 before
    write_sends(window.database, first, [None] * 300, start=100)
    write_sends(window.database, first, ["unsubscribed" if n % 50 == 0 else None
                                         for n in range(200)], start=400)
    catch_up(window.database)
    window.show_page("journeys")
    page = journeys_read(qtbot, window)
    rows = {r.id: r for r in page.model.rows}
    assert (rows[second].entered_30, rows[first].entered_30) == (5, 2)
    assert rows[first].warnings and not rows[second].warnings
    assert "spiking" in window.spike_status.text() and "journey 0" in window.spike_status.text()
    page.sort_by("Entered")
    assert [r.id for r in page.model.rows] == [second, first]
    qtbot.mouseClick(window.spike_status.label, Qt.MouseButton.LeftButton)
    assert window.current_page() == "results"
    results = _shown(qtbot, window.results_view)
    assert results["journey_id"] == first and results["spikes"]
    notes = window.results_view.sections[0].notes
    assert notes.isVisibleTo(window.results_view) and "Unsubscribes are spiking" in notes.text()


def test_dashboard_across_journeys_period_exports_and_a_row_opens_results(
        shown_window, shop, qtbot, tmp_path):
    window = shown_window
    first, second = shop.journeys
    window.show_page("dashboard")
    page = window.dashboard_page
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    assert page.state() == "shown"
    assert page.tiles["sent"].value.text() == "8" and page.tiles["joined"].value.text() == "0"  # they joined in March
    assert page.tiles["unique_opens"].value.text() == "1"
    assert not page.no_journeys.isVisible() and page.table("journeys").isVisible()
    table = page.table("journeys")
    assert {table.cell(r, 0) for r in range(table.table.rowCount())} == {"journey 0", "journey 1"}
    out = tmp_path / "growth.csv"
    page.table("growth").export_csv(out)
    lines = list(csv.reader(out.open(encoding="utf-8")))
    assert lines[0] == ["Day", "New contacts", "Unsubscribed", "Contacts"]
    assert len(lines) == 31  # the last 30 days, newest first
    page.chart("revenue").save_png(tmp_path / "revenue.png")
    assert (tmp_path / "revenue.png").stat().st_size > 1000

    page.set_period("7")  # the emails went out 2 to 4 days ago: all of them still in
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    assert page.tiles["sent"].value.text() == "8"
    row = next(r for r in range(table.table.rowCount()) if table.cell(r, 0) == "journey 1")
    table.table.cellDoubleClicked.emit(row, 0)
    assert window.current_page() == "results"
    assert _shown(qtbot, window.results_view)["journey_id"] == second
    window.results_view.back.click()
    assert window.current_page() == "dashboard"


def test_dashboard_before_any_journey_sent_says_so_instead_of_an_empty_chart(
        shown_window, db, qtbot):
    from engine.intake.events import record_contact_upsert

    with db.session() as session:  # the list grows, nothing has been sent
        record_contact_upsert(session, {"email": "new@example.com"}, now=_day(1), source="test")
    window = shown_window
    window.show_page("dashboard")
    page = window.dashboard_page
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    assert page.state() == "shown"
    assert page.no_journeys.isVisible()
    assert not page.chart("revenue").isVisible() and not page.table("journeys").isVisible()


def test_a_theme_switch_redraws_the_charts(shown_window, shop, qtbot):
    window = shown_window
    window.show_results(shop.journeys[0])
    view = window.results_view
    _shown(qtbot, view)
    before = view.chart("daily").view
    window._theme.set_choice("dark")
    qtbot.waitUntil(lambda: view.chart("daily").view is not before, timeout=5_000)
    window._theme.set_choice("light")
