"""Starting the desktop app: `run_gui(db_url) -> exit code`.

Contract: creates (or reuses) the QApplication named "Trellis" by "Trellis" with
fractional high-DPI scaling and the Fusion style, opens the database
(`engine.db.open_database`; None means the default location), applies the remembered
theme, shows the main window and runs the event loop. A database that cannot be opened is
reported in a dialog and gives exit code 1.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

APP_NAME = "Trellis"
ORGANIZATION = "Trellis"


def application() -> QApplication:
    """The running QApplication, set up for Trellis (created on first call)."""
    app = QApplication.instance()
    if app is None:
        # Must precede the QApplication: fractional scales (125 %, 150 %) stay exact
        # instead of being rounded, and our SVG icons render sharp at any of them.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
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
    from app.main_window import MainWindow
    from app.theme import ThemeController
    from engine.db import open_database
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
    try:
        window = MainWindow(db, settings, theme)
        window.show()
        return app.exec()
    finally:
        db.dispose()
