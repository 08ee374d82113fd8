"""The Journeys list fits the window at its default size (and at 1280×800): no sideways
scrolling with the demo shop's journeys, nor with big live figures; the journey's name
takes the room left and elides; the short titles say their full meaning in tooltips; the
subtitle stays on one line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt

from app.main_window import DEFAULT_SIZE
from engine.demo.shop import create_demo
from engine.journey.store import JourneySummary

SIZES = [DEFAULT_SIZE, (1280, 800)]


@pytest.fixture
def styled_window(qtbot, qapp, db, tmp_path):
    """The main window as the app shows it: the theme's stylesheet sets the fonts and the
    paddings the columns are measured with (put back afterwards)."""
    from PySide6.QtCore import QEvent, QSettings

    from app.main_window import MainWindow
    from app.theme import ThemeController

    previous = (qapp.palette(), qapp.styleSheet())
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    theme = ThemeController(qapp, settings)
    theme.apply()
    window = MainWindow(db, settings, theme)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
    window.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.setPalette(previous[0])
    qapp.setStyleSheet(previous[1])


def _at(qtbot, window, size) -> None:
    window.resize(*size)
    window.show_page("journeys")
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=3000)
    qtbot.waitUntil(lambda: window.journeys_page.model.rowCount() > 0, timeout=5000)
    window.journeys_page.table.viewport().update()
    qtbot.wait(50)  # the layout settles


def _fits(page) -> None:
    table = page.table
    assert table.horizontalScrollBar().maximum() == 0
    assert table.columnWidth(0) >= 180  # the journey's name keeps room to be read
    subtitle = page.header.subtitle
    assert subtitle.heightForWidth(subtitle.width()) <= 1.5 * subtitle.fontMetrics().lineSpacing()


def _big(index: int, name: str) -> JourneySummary:
    """A journey of a busy shop: live, thousands in it, five-figure revenue."""
    return JourneySummary(
        id=index, name=name, status="live", live_version=12, active_contacts=123_456,
        updated_at=datetime.now(timezone.utc) - timedelta(days=20), entered_30=98_765,
        conversion_rate_30=0.1234, revenue_30=987_654.32, currency="USD",
        warnings=("Unsubscribes are spiking: 4.1% in the last 7 days",) if index == 1 else ())


@pytest.mark.parametrize("size", SIZES)
def test_the_demo_shops_journeys_fit_without_sideways_scrolling(qtbot, styled_window, db, size):
    create_demo(db, contacts=40, now=datetime.now(timezone.utc))
    window = styled_window
    window.journeys_page.refresh()
    _at(qtbot, window, size)
    page = window.journeys_page
    assert page.model.rowCount() == 6
    _fits(page)


@pytest.mark.parametrize("size", SIZES)
def test_big_figures_fit_too_and_long_names_elide(qtbot, styled_window, size):
    window = styled_window
    page = window.journeys_page
    names = ["Welcome series", "Pricing page follow-up for visitors who looked at the plans twice this week",
             "Re-engagement", "Post-purchase", "Abandoned cart", "Product interest"]
    rows = [_big(i, name) for i, name in enumerate(names)]
    page._load = lambda archived: rows  # the page's reader: these rows in place of the db's
    _at(qtbot, window, size)
    _fits(page)
    table = page.table
    long_name = table.model().index(1, 0)
    assert table.sizeHintForIndex(long_name).width() > table.columnWidth(0)  # elided
    page.sort_by("Revenue")  # the sort arrow's room comes out of the name's, still no scroll
    _fits(page)


def test_short_titles_say_their_full_meaning():
    from widgets.journeys_page import COLUMNS, JourneysPage  # noqa: F401

    tips = {c.title: c.title_tooltip for c in COLUMNS}
    assert "30 days" in tips["Entered"] and "30 days" in tips["Revenue"]
    assert "30 days" in tips["Conversion"] and tips["Active"] and tips["Live"]


def test_titles_tooltips_reach_the_header(qtbot):
    from widgets.journeys_page import JourneysPage

    page = JourneysPage(lambda archived: [])
    qtbot.addWidget(page)
    model = page.model
    column = [c.title for c in model.columns].index("Entered")
    tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "Contacts who entered in the last 30 days"
    assert "30 days" in page.header.subtitle.text()
