"""First run and start-up: the demo shop or an empty start on an empty database, remembered;
the window up before the engine and the heavy modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import func, select

from app import first_run
from app.main_window import MainWindow
from app.theme import ThemeController
from engine.db.models import Contact, JourneyRow
from tests.app.journeys_list import journeys_read
from tests.engine.harness import Harness

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, qapp, db, settings, monkeypatch):
    monkeypatch.setattr(first_run, "DEMO_CONTACTS", 25)  # a small shop: the test stays quick
    windows = []

    def make():
        window = MainWindow(db, settings, ThemeController(qapp, settings))
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def count(db, column) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(column)))


def test_explore_the_demo_shop_off_the_gui_thread_and_only_once(qtbot, make_window, db):
    window = make_window()
    page = window.journeys_page
    assert window.offer_first_run()
    assert page.welcome_shown() and not page.new_button.isVisible()
    page.welcome.explore_button.click()
    assert window.first_run.is_running()
    assert not page.welcome.explore_button.isEnabled()  # busy, with a progress bar
    assert page.welcome.progress.isVisibleTo(page)
    qtbot.waitUntil(lambda: not window.first_run.is_running(), timeout=30_000)
    assert count(db, Contact.id) == 25 and count(db, JourneyRow.id) == 6
    journeys_read(qtbot, window)
    assert page.model.rowCount() == 6 and not page.welcome_shown()  # the pages were re-read
    assert "Demo shop “Juniper & Oak” is ready" in window.statusBar().currentMessage()
    assert window.first_run.choice() == first_run.DEMO
    assert not make_window().offer_first_run()  # next start: not offered again


def test_start_empty_is_remembered_while_the_database_stays_empty(make_window, db):
    window = make_window()
    assert window.offer_first_run()
    window.journeys_page.welcome.empty_button.click()
    page = window.journeys_page
    assert not page.welcome_shown() and page.card.current_widget() is page.empty
    assert not make_window().offer_first_run()  # chosen: never offered again


def test_a_database_with_data_is_never_offered_the_demo(make_window, db, clock):
    Harness(db, clock).contact("ana@example.com")
    assert not make_window().offer_first_run()


def test_a_refused_demo_is_explained_politely(qtbot, make_window, db, clock, monkeypatch):
    window = make_window()
    assert window.offer_first_run()
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(args[1:]))
    Harness(db, clock).contact("ana@example.com")  # data arrives before the click
    window.journeys_page.welcome.explore_button.click()
    qtbot.waitUntil(lambda: not window.first_run.is_running(), timeout=10_000)
    assert shown and shown[0][0] == "The demo shop was not added"
    assert "only added to an empty one" in shown[0][1]
    assert not window.journeys_page.welcome_shown()
    assert count(db, Contact.id) == 1  # nothing mixed in


def test_the_forecast_needs_no_query_and_offer_confirms_it(make_window, db, clock):
    window = make_window()
    assert window.first_run.expect()  # an empty list, no choice made: shown at once
    Harness(db, clock).contact("ana@example.com")
    assert not window.offer_first_run()  # the database is not empty: taken back
    assert not window.journeys_page.welcome_shown()


def test_the_forecast_shows_the_card_with_the_lists_empty_answer(make_window, qtbot):
    window = make_window()
    page = window.journeys_page
    assert page.loading  # the window's first read of the list is on its way
    assert window.first_run.expect()
    journeys_read(qtbot, window)
    assert page.welcome_shown()


def test_a_database_with_journeys_never_flashes_the_card(make_window, db, qtbot):
    from datetime import datetime, timezone

    from engine.journey.data import JourneyData
    from engine.journey.store import save_draft

    with db.session() as session:  # made with the CLI, say: no first-run choice stored
        save_draft(session, JourneyData(name="From the CLI"), now=datetime.now(timezone.utc))
    window = make_window()
    page = window.journeys_page
    window.first_run.expect()  # no choice was made for this database yet
    assert not page.welcome_shown()
    journeys_read(qtbot, window)
    assert page.model.rowCount() == 1 and not page.welcome_shown()
    assert page.card.current_widget() is page.table


def test_after_first_paint_runs_once_the_window_has_painted(qtbot):
    from app.gui import after_first_paint

    widget = QWidget()
    qtbot.addWidget(widget)
    calls = []
    after_first_paint(widget, lambda: calls.append(widget.isVisible()))
    assert calls == []
    widget.show()
    qtbot.waitUntil(lambda: calls == [True], timeout=2000)
    widget.update()
    qtbot.wait(50)
    assert calls == [True]  # once


def test_the_window_is_built_without_the_engine_server_or_editor_modules(tmp_path):
    """What `run_gui` imports before the window is shown stays light (start-up time)."""
    script = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QSettings\n"
        "from app.gui import application\n"
        "from app.main_window import MainWindow\n"
        "from app.engine_host import EngineHost\n"
        "from app.theme import ThemeController\n"
        "from engine.db import open_database\n"
        "app = application()\n"
        f"settings = QSettings({str(tmp_path / 's.ini')!r}, QSettings.Format.IniFormat)\n"
        f"db = open_database({'sqlite:///' + str(tmp_path / 'w.db')!r})\n"
        "window = MainWindow(db, settings, ThemeController(app, settings), EngineHost(db))\n"
        "window.first_run.expect()\n"
        "window.show()\n"
        "heavy = ['fastapi', 'uvicorn', 'engine.runtime.engine', 'app.editor_page',\n"
        "         'widgets.canvas.scene', 'engine.demo.shop', 'apscheduler',\n"
        "         'PySide6.QtCharts']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_the_offer_shows_on_the_journeys_page_whatever_was_open_last(make_window):
    window = make_window()
    window.show_page("settings")  # remembered from an earlier database
    assert window.offer_first_run()
    assert window.current_page() == "journeys"
    assert window.journeys_page.welcome_shown()
