"""Screenshots of the main window without a screen: `save_screenshot(...) -> Path`.

Contract: builds a `MainWindow` on the given database, in the given theme, size and page,
renders it with `QWidget.grab()` into a PNG and closes it. It needs no display: with no
QApplication yet, the offscreen platform is used; the window is never put on a screen.
Nothing leaks into the user's settings (a throwaway QSettings file is used) and, in a
process that already has an application (tests), the previous theme is put back.
ValueError for an unknown theme or page; OSError when the PNG cannot be written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def save_screenshot(
    out_path: str | os.PathLike,
    db_url: str | None,
    size: tuple[int, int] = (1400, 900),
    theme: str = "light",
    page: str = "journeys",
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
                window.show_page(page)
                window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
                window.setMinimumSize(1, 1)  # the picture is exactly the size asked for
                window.resize(*size)
                window.show()
                app.processEvents()  # lay out and polish before painting
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
