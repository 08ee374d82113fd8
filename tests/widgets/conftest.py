"""Fixtures for widget tests: throwaway QSettings, a theme put back after each test, and
windows deleted before QtWebEngine goes."""

from __future__ import annotations

import pytest


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def light_theme(qapp):
    """The light theme during the test, and whatever was there before afterwards."""
    from app.theme import apply_theme

    before = (qapp.palette(), qapp.styleSheet())
    apply_theme(qapp, "light")
    yield
    qapp.setPalette(before[0])
    qapp.setStyleSheet(before[1])


@pytest.fixture
def delete_windows(qapp):
    """Every top-level widget closed and deleted after the test: a web page still alive
    when the process ends outlives QtWebEngine's profile, and the process segfaults."""
    from PySide6.QtCore import QEvent

    yield
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
