"""Screenshots of the main window without a screen: `save_screenshot(...) -> Path`.

Contract: builds a `MainWindow` on the given database, in the given theme, size and page,
renders it with `QWidget.grab()` into a PNG and closes it. It needs no display: with no
QApplication yet, the offscreen platform is used; the window is never put on a screen.
Nothing leaks into the user's settings (a throwaway QSettings file is used) and, in a
process that already has an application (tests), the previous theme is put back.
With `journey` (a journey's name or id in the database, or a `.journey.json` file) the
window shows that journey in the editor as it opens (fitted, or its beginning at a
readable zoom), with its live counts when it is live; nothing is written to the database.
An empty database shows the first-run welcome (the settings file is a throwaway one).
ValueError for an unknown theme, page or journey, or a file with errors; OSError when the
PNG cannot be written.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

#: how long a screenshot of a live journey waits for its counts
LIVE_WAIT_S = 5.0


def save_screenshot(
    out_path: str | os.PathLike,
    db_url: str | None,
    size: tuple[int, int] = (1400, 900),
    theme: str = "light",
    page: str = "journeys",
    journey: str | None = None,
) -> Path:
    if theme not in ("light", "dark"):
        raise ValueError(f"unknown theme {theme!r}; choose light or dark")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, Qt

    from app.gui import application
    from app.main_window import MainWindow
    from app.theme import SETTINGS_KEY, ThemeController
    from engine.db import open_database

    app = application()
    previous = (app.palette(), app.styleSheet())
    db = open_database(db_url)
    try:
        with tempfile.TemporaryDirectory(prefix="trellis-shot-") as folder:
            settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
            settings.setValue(SETTINGS_KEY, theme)
            controller = ThemeController(app, settings)
            controller.apply()
            window = MainWindow(db, settings, controller)
            try:
                if journey is not None:
                    _open_journey(window, db, journey)
                elif page.startswith("settings/"):  # a section: settings/sending
                    window.show_settings(page.partition("/")[2])
                else:
                    window.show_page(page)
                    window.offer_first_run()  # an empty database shows what a new user sees
                window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
                window.setMinimumSize(1, 1)  # the picture is exactly the size asked for
                window.resize(*size)
                window.show()
                app.processEvents()  # lay out and polish before painting
                busy = _page_busy(window, page) if journey is None else None
                deadline = time.monotonic() + LIVE_WAIT_S
                while busy is not None and busy() and time.monotonic() < deadline:
                    app.processEvents()  # thumbnails and figures arrive in the background
                    time.sleep(0.01)
                if journey is not None:
                    editor_page = window.editor_page
                    deadline = time.monotonic() + LIVE_WAIT_S
                    while editor_page.is_reading_live() and time.monotonic() < deadline:
                        app.processEvents()  # a live journey shows its counts on the cards
                        time.sleep(0.01)
                    editor_page.editor.view.fit_readable()  # at its final size
                    app.processEvents()
                pixmap = window.grab()
            finally:
                window.close()
                window.deleteLater()
                controller.deleteLater()
                settings.sync()
    finally:
        db.dispose()
        app.setPalette(previous[0])
        app.setStyleSheet(previous[1])
    out = Path(out_path)
    if not pixmap.save(str(out), "PNG"):
        raise OSError(f"could not write the screenshot to {out}")
    return out


def _page_busy(window, page: str):
    """What says a page is still reading or drawing in the background, if anything."""
    if page == "templates":
        return window.templates.thumbnails.busy
    if page == "dashboard":
        return lambda: window.dashboard_page.loading
    if page == "journeys":
        return lambda: window.journeys_page.loading
    return None


def _open_journey(window, db, journey: str) -> None:
    """Show `journey` (a file, else a name or id in the database) in the editor page."""
    from app.journey_document import JourneyDocument
    from engine.db.models import JourneyStatus
    from engine.journey.model import Journey
    from engine.journey.file_format import SUFFIX, read_journey_file
    from engine.journey.store import draft_document, find_journey

    path = Path(journey)
    if path.is_file() or journey.endswith(SUFFIX):
        result = read_journey_file(path)
        if not result.ok:
            problems = "; ".join(str(p) for p in result.problems[:3])
            raise ValueError(f"cannot show {journey}: {problems}")
        document, journey_id = JourneyDocument(result.journey, path), None
    else:
        with db.session() as session:
            try:
                row = find_journey(session, journey)
                data = draft_document(row)
            except LookupError as exc:
                raise ValueError(str(exc)) from None
            document, journey_id = JourneyDocument(Journey.from_document(data)), row.id
    page = window.editor_page
    page.open(document, journey_id)
    if journey_id is None:  # not in the database: the page cannot read its state there
        page.header.set_journey(document.journey.name, JourneyStatus.DRAFT, None, 0)
    window.show_page("editor")
