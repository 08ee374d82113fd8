"""Shared fixtures of the app tests: a shown main window on the test database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QSettings


@pytest.fixture
def shown_window(qtbot, qapp, db, tmp_path):
    """A `MainWindow` on `db`, shown, with its own settings file; every top-level widget
    (email previews included) is closed and deleted afterwards, before QtWebEngine goes."""
    from app.main_window import MainWindow
    from app.theme import ThemeController

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings, ThemeController(qapp, settings))
    qtbot.addWidget(window)
    window.show()
    yield window
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
