"""Starting the desktop app: `run_gui(db_url) -> exit code`.

Contract: creates (or reuses) the QApplication named "Trellis" by "Trellis" with
fractional high-DPI scaling and the Fusion style (QtWebEngine, used by the email preview,
is prepared first), opens the database (`engine.db.open_database`; None means the default
location), applies the remembered theme, shows the main window and runs the event loop.
The window comes first: once it has painted, `after_first_paint` offers the demo shop on
an empty database (first run), then starts the engine (`app.engine_host`: the same
runner, delivery and HTTP server as `main.py run`; read-only when another one holds the
database) and, when idle, prepares the journey editor, so none of that (nor FastAPI,
uvicorn or the engine's runtime) is imported before the window is up. The engine is
stopped when the loop ends. A database that cannot be opened is reported in a dialog and
gives exit code 1. With `TRELLIS_EXIT_AFTER_SHOW` set, it prints "trellis: window shown"
once the window is up and quits (the start-up benchmark).

A desktop app (docs/desktop.md): the log goes to a rotating file (app.logs). One Trellis
runs per database: before opening it, `run_gui(db_url, files, hidden)` offers the launch to
a running one (app.single_instance) and, when one answers, exits 0 having handed it the
`files` to open; otherwise it listens for later launches itself. The tray
(app.tray.BackgroundTray) decides what closing the window means; `hidden` (login start)
leaves the window in the tray where there is one. `files` are imported and opened once the
window is up (macOS hands double-clicked files over as FileOpen events: the same path).
SIGTERM and SIGINT quit as the tray's Quit does, without questions; the engine stops when
the event loop ends. The email preview's browser engine is guarded for the run
(widgets.web_engine_guard, its file at `preview_guard_marker(settings)`): after it took
the app down, the next start previews emails in the simplified view and says why.
"""

from __future__ import annotations

import os
import signal
import sys

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from widgets import web_engine_guard

APP_NAME = "Trellis"
#: set in the environment, the app prints SHOWN_LINE once its window is shown, and exits
EXIT_AFTER_SHOW = "TRELLIS_EXIT_AFTER_SHOW"
SHOWN_LINE = "trellis: window shown"
ORGANIZATION = "Trellis"
#: where the app's HTTP server listens: engine.http.server.DEFAULT_BIND (not imported from
#: there before the window is shown: it loads uvicorn)
HTTP_BIND = ("127.0.0.1", 8787)
#: start the rest anyway if the window has not painted by then (minimised, no screen)
FIRST_PAINT_WAIT_MS = 700
#: see widgets.web_engine_guard
PREVIEW_GUARD_FILE = "preview-engine-starting"


class _AfterFirstPaint(QObject):
    """Calls `then()` once, on the event loop turn after `window` first painted."""

    def __init__(self, window: QWidget, then: Callable[[], None]):
        super().__init__(window)
        self._window, self._then = window, then
        window.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_WAIT_MS, self._fire)

    def eventFilter(self, watched, event) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        if self._then is not None:
            then, self._then = self._then, None
            self._window.removeEventFilter(self)
            then()


def after_first_paint(window: QWidget, then: Callable[[], None]) -> None:
    """Run `then` right after `window` is on screen (for work the window need not wait for)."""
    _AfterFirstPaint(window, then)


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
    from widgets.app_style import AppStyle

    app.setStyle(AppStyle())
    return app


def run_gui(db_url: str | None, files=(), hidden: bool = False) -> int:
    app = application()
    from app.logs import setup_logging
    from app.single_instance import (
        InstanceServer, launch_message, send_to_running, server_name,
    )
    from engine.db.database import default_database_url

    log_file = setup_logging()
    url = db_url or default_database_url()
    if send_to_running(server_name(url), launch_message(files, hidden)):
        print("trellis: handed over to the Trellis already running on this database",
              flush=True)
        return 0

    from app.engine_host import EngineHost
    from app.main_window import MainWindow
    from app.theme import ThemeController
    from app.autostart import Autostart, launch_command
    from app.tray import BackgroundTray
    from engine.db import open_database
    from widgets.icons import icon

    app.setWindowIcon(icon("trellis", "accent"))
    settings = QSettings()
    # the email preview's browser engine: back to the simplified view after it crashed us
    web_engine_guard.install(preview_guard_marker(settings))
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
    # the database file exists now: its identity is the one later launches compute
    server = InstanceServer(server_name(db.url))
    if not server.listen():
        import logging

        logging.getLogger("trellis.app").warning("no single-instance server: %s", server.name)
    host = EngineHost(db, deliver=True, http_bind=HTTP_BIND)
    window = tray = None
    quit_on_last = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)  # the window may live on in the tray
    handlers = {}
    try:
        window = MainWindow(db, settings, theme, host)
        window.quit_confirmed.connect(app.quit)
        tray = BackgroundTray(window, host, settings)
        server.message_received.connect(window.handle_launch)
        # Settings ▸ General: login start on this database, what closing the window does
        window.settings_page.add_card(
            "general", tray.general_card(Autostart(launch_command(db_url))))
        opener = _FileOpenFilter(window)
        app.installEventFilter(opener)
        handlers = _quit_on_signals(window)
        window.first_run.expect()  # confirmed (offer_first_run) once the window is up
        if not (hidden and tray.available()):
            window.show()
        if os.environ.get(EXIT_AFTER_SHOW):
            # start-up benchmark (tests/benchmarks/canvas.py): say so once the window is
            # up and the event loop has painted it, then leave
            QTimer.singleShot(0, lambda: (print(SHOWN_LINE, flush=True), app.quit()))
        else:
            after_first_paint(window, lambda: _start_behind(window, host, list(files)))
        if log_file is not None:
            import logging

            logging.getLogger("trellis.app").info("Trellis started on %s", db.url)
        return app.exec()
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        app.setQuitOnLastWindowClosed(quit_on_last)
        server.close()
        _close_log(log_file)
        if tray is not None:
            tray.hide()
        host.stop()
        if window is not None:
            # email previews' web pages must go before QtWebEngine's profile does
            window.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        db.dispose()
        web_engine_guard.release()  # a clean exit, even before the first email settled
        web_engine_guard.uninstall()


def preview_guard_marker(settings: QSettings):
    """The file widgets.web_engine_guard keeps while the browser engine starts
    (app_folders: beside an INI settings file, else the user data folder)."""
    from app.app_folders import app_folder

    return app_folder(settings, "data") / PREVIEW_GUARD_FILE


def _close_log(path) -> None:
    import logging

    root = logging.getLogger()
    for handler in list(root.handlers):
        if path is not None and getattr(handler, "baseFilename", None) == str(path):
            root.removeHandler(handler)
            handler.close()


class _FileOpenFilter(QObject):
    """macOS opens double-clicked documents with a FileOpen event, not with arguments."""

    def __init__(self, window):
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.FileOpen and event.file():
            self._window.handle_launch({"files": [event.file()], "show": True})
            return True
        return False


def _quit_on_signals(window) -> dict:
    """SIGTERM / SIGINT: quit as the tray's Quit does (the engine stops cleanly), asking
    nothing. Python runs signal handlers only between its own instructions, so a timer
    gives it a turn while Qt's loop waits."""
    pending: list[int] = []
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, lambda number, _frame: pending.append(number))
    timer = QTimer(window, interval=200)
    timer.timeout.connect(lambda: pending and (pending.clear(), window.quit_app(ask=False)))
    timer.start()
    return previous  # put back when the app ends (tests run it in a longer process)


def _start_behind(window, host, files: list) -> None:
    """What the shown window need not wait for: the first-run offer, the engine (runner,
    delivery, HTTP server), the files given on the command line, then, when idle, the
    journey editor's modules."""
    if not files:
        window.offer_first_run()
    host.start()
    if files:
        window.open_journey_files(files)
    QTimer.singleShot(0, window.prepare_editor)
