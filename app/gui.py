"""Starting the desktop app: `run_gui(db_url) -> exit code`.

Contract: creates (or reuses) the QApplication named "Trellis" by "Trellis" with
fractional high-DPI scaling and the Fusion style (QtWebEngine, used by the email preview,
is prepared first), opens the database (`engine.db.open_database`; None means the default
location), applies the remembered theme, starts the engine (`app.engine_host`: the same
runner as `main.py run`; read-only when another one holds the database), shows the main
window and runs the event loop. The engine is stopped when the loop ends. A database that
cannot be opened is reported in a dialog and gives exit code 1. With
`TRELLIS_EXIT_AFTER_SHOW` set, it prints "trellis: window shown" once the window is up
and quits (the start-up benchmark).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

APP_NAME = "Trellis"
#: set in the environment, the app prints SHOWN_LINE once its window is shown, and exits
EXIT_AFTER_SHOW = "TRELLIS_EXIT_AFTER_SHOW"
SHOWN_LINE = "trellis: window shown"
ORGANIZATION = "Trellis"


def application() -> QApplication:
    """The running QApplication, set up for Trellis (created on first call)."""
    app = QApplication.instance()
    if app is None:
        from widgets.email_preview import prepare_web_engine

        # Must precede the QApplication: fractional scales (125 %, 150 %) stay exact
        # instead of being rounded, and our SVG icons render sharp at any of them.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        prepare_web_engine()
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setDesktopFileName("trellis")
    # The stylesheet is drawn on Fusion: the same look on Windows, macOS and Linux.
    app.setStyle("Fusion")
    return app


def run_gui(db_url: str | None) -> int:
    app = application()
    from app.engine_host import EngineHost
    from app.main_window import MainWindow
    from app.theme import ThemeController
    from engine.db import open_database
    from engine.http.server import DEFAULT_BIND, parse_bind
    from widgets.icons import icon

    app.setWindowIcon(icon("trellis", "accent"))
    settings = QSettings()
    theme = ThemeController(app, settings)
    theme.apply()
    try:
        db = open_database(db_url)
    except Exception as exc:  # noqa: BLE001 — whatever went wrong, say it in a dialog
        QMessageBox.critical(
            None,
            "Trellis cannot open its database",
            f"The database could not be opened:\n\n{exc}\n\n"
            "Check the --db URL (or TRELLIS_DB) and that the file or server is reachable.",
        )
        return 1
    host = EngineHost(db, deliver=True, http_bind=parse_bind(DEFAULT_BIND))
    window = None
    try:
        host.start()
        window = MainWindow(db, settings, theme, host)
        window.show()
        if os.environ.get(EXIT_AFTER_SHOW):
            # start-up benchmark (tests/benchmarks/canvas.py): say so once the window is
            # up and the event loop has painted it, then leave
            QTimer.singleShot(0, lambda: (print(SHOWN_LINE, flush=True), app.quit()))
        return app.exec()
    finally:
        host.stop()
        if window is not None:
            # email previews' web pages must go before QtWebEngine's profile does
            window.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        db.dispose()
