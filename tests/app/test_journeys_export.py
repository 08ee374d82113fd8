"""The Journeys list exported to CSV as a marketer does it, on a real database: sort the
list, Export CSV…, read the file back (the columns shown, in the order shown, rates as
fractions, a formula-like name made harmless); sort another way and export again; the
archived list exports its own rows; a folder that cannot be written is said, and nothing
is written."""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from app.results_flow import utc_today
from engine.analytics.catchup import catch_up
from engine.db.models import JourneyRow
from tests.engine.test_analytics_report import Shop
from tests.app.journeys_list import journeys_read
from widgets import journeys_page as page_module
from widgets.journeys_csv import HEADER


def _day(days_ago: int) -> datetime:
    return datetime.combine(utc_today() - timedelta(days=days_ago), time(9), tzinfo=timezone.utc)


@pytest.fixture
def shop(db):
    """journey 0: 3 entrants, one opens and orders for 42.50; journey 1 (renamed to a
    formula, paused): 1 entrant."""
    shop = Shop(db, journey_count=3)
    first, second, third = shop.journeys
    for n in range(3):
        who = shop.contact(f"a{n}@example.com")
        run = shop.enroll(who, first, at=_day(3))
        key = shop.send(who, run, "e1", _day(3) + timedelta(hours=1), journey=first)
        if n == 0:
            shop.event(who, "email_opened", _day(2), message_key=key)
            shop.event(who, "order_completed", _day(2) + timedelta(hours=2), revenue=42.5)
    who = shop.contact("b@example.com")
    shop.enroll(who, second, at=_day(5))
    with db.session() as session:
        session.execute(update(JourneyRow).where(JourneyRow.id == second)
                        .values(name="=HYPERLINK(1)", status="paused"))
        session.execute(update(JourneyRow).where(JourneyRow.id == third)
                        .values(name="old promo", status="archived"))
    catch_up(db)
    return shop


def _read(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _export_to(monkeypatch, path, asked: list):
    def fake(parent, caption, name, pattern):
        asked.append(name)
        return str(path), pattern
    monkeypatch.setattr(page_module.QFileDialog, "getSaveFileName", staticmethod(fake))


def test_export_the_list_as_shown_then_sorted_again_then_archived(
        shown_window, shop, qtbot, tmp_path, monkeypatch):
    window = shown_window
    window.show_page("journeys")
    page = window.journeys_page
    page.refresh()
    journeys_read(qtbot, window)
    assert page.export_button.isVisibleTo(window)
    page.sort_by("Entered")
    asked: list[str] = []
    out = tmp_path / "list.csv"
    _export_to(monkeypatch, out, asked)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    lines = _read(out)
    assert asked == ["journeys.csv"]
    assert lines[0] == list(HEADER)
    assert [line[:8] for line in lines[1:]] == [
        ["journey 0", "live", "", "3", "3", "0.0", "42.5", "USD"],
        ["'=HYPERLINK(1)", "paused", "", "1", "1", "0.0", "0.0", "USD"],
    ]
    edited = datetime.fromisoformat(lines[1][9])
    assert edited.utcoffset() == timedelta(0)
    assert "Exported 2 journeys to" in window.statusBar().currentMessage()

    page.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # a click
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert [line[0] for line in _read(out)[1:]] == ["'=HYPERLINK(1)", "journey 0"]

    page.show_archived(True)
    journeys_read(qtbot, window)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert asked[-1] == "archived-journeys.csv"
    assert [line[:2] for line in _read(out)[1:]] == [["old promo", "archived"]]


def test_a_folder_that_cannot_be_written_is_said_and_nothing_is_written(
        shown_window, shop, qtbot, tmp_path, monkeypatch):
    page = shown_window.journeys_page
    shown_window.show_page("journeys")
    page.refresh()
    journeys_read(qtbot, shown_window)
    missing = tmp_path / "gone" / "list.csv"
    _export_to(monkeypatch, missing, [])
    said = []
    monkeypatch.setattr(page_module.QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: said.append(text)))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert len(said) == 1 and str(missing) in said[0] and "Nothing was written" in said[0]
    assert not missing.exists() and not (tmp_path / "gone").exists()
