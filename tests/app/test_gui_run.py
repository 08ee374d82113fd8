"""`run_gui()`: opens the window on a database and returns the event loop's exit code."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from app.gui import run_gui
from app.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp, monkeypatch):
    """Keep run_gui's default QSettings and its log away from the real user's."""
    monkeypatch.setenv("TRELLIS_LOG_DIR", str(tmp_path / "log"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    before = (qapp.palette(), qapp.styleSheet())
    yield
    qapp.setPalette(before[0])
    qapp.setStyleSheet(before[1])


def test_run_gui_shows_the_window_and_returns_the_exit_code(qapp, db_url, monkeypatch):
    seen = []

    def event_loop():
        # stands in for exec(): a real one would leave the shared test app quitting
        windows = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible()  # not earlier tests' closed ones
        ]
        seen.extend(w.current_page() for w in windows)
        # Settings ▸ General carries login start and the close choice
        from widgets.settings_general import GeneralSettingsCard

        seen.extend(len(w.settings_page.section("general").findChildren(GeneralSettingsCard))
                    for w in windows)
        for window in windows:
            window.close()
            window.deleteLater()
        return 7

    monkeypatch.setattr(qapp, "exec", event_loop)
    assert run_gui(db_url) == 7
    assert seen == ["journeys", 1]
    assert qapp.applicationName() == "Trellis"
    assert qapp.organizationName() == "Trellis"


def test_unopenable_database_is_reported_not_raised(qapp, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    assert run_gui("nosuchdialect://nowhere") == 1
    assert "could not be opened" in shown[0]


def test_run_gui_opens_journey_files_once_the_window_is_up(qapp, qtbot, db_url, monkeypatch):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"
    seen = []

    def event_loop():
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible())
        qtbot.waitUntil(lambda: window.current_page() == "editor", timeout=20000)
        seen.append(window.editor_page.document.journey.name)
        window.quit_app(ask=False)  # as SIGTERM does: no question, the engine stops
        seen.append(window.engine_host.state)
        window.deleteLater()
        return 0

    monkeypatch.setattr(qapp, "exec", event_loop)
    # offscreen Qt has no tray: --hidden still shows the window (it could not be reopened)
    assert run_gui(db_url, files=[str(example)], hidden=True) == 0
    assert seen == ["Abandoned cart", "stopped"]


def test_run_gui_guards_the_email_preview_beside_its_settings(qapp, tmp_path, db_url,
                                                              monkeypatch):
    """A crash the last run left (a marker whose process is gone) beside the settings file
    turns the browser engine off for the run; the guard ends with the run."""
    import subprocess
    import sys

    from widgets import web_engine_guard

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    marker = tmp_path / "Trellis" / "preview-engine-starting"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{gone}\n")
    seen = []

    def event_loop():
        seen.append(web_engine_guard.crashed_last_time())
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow) and window.isVisible():
                window.close()
                window.deleteLater()
        return 0

    monkeypatch.setattr(qapp, "exec", event_loop)
    assert run_gui(db_url) == 0
    assert seen == [True]
    assert marker.exists()  # still there: the next start falls back too, until a retry
    assert web_engine_guard.usable()  # the run is over: nothing guarded any more
