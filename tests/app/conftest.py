"""Shared fixtures of the app tests: a shown main window on the test database, and two
starter journeys stored as drafts (`journeys`: name -> journey id)."""

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


@pytest.fixture
def journeys(db):
    """The Abandoned cart and Welcome series starters as drafts: {name: journey id}."""
    from datetime import datetime, timezone

    from app.starters import STARTERS, load_starter
    from engine.journey.drafts import store_draft

    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    ids = {}
    with db.session() as session:
        for file in ("abandoned-cart", "welcome-series"):
            document = load_starter(STARTERS / f"{file}.journey.json")
            ids[document.name] = store_draft(session, document, now)
    return ids
