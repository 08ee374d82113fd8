"""The main window's parts for what arrives from outside: journey files dropped on the
window or named by a later launch, and Help ▸ About.

Contract: `LaunchWindowParts` is mixed into `app.main_window.MainWindow` (which has
`journeys`, `close_policy`, `_db`). `open_journey_files(paths)` imports each
`.journey.json` as a draft (a taken name gets a free one, without asking) and opens the
last; `handle_launch(message)` does what a later launch asked (app/single_instance.py):
brings the window up and opens its files. Dropping journey files on the window imports
them the same way.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from app import overview


def app_version() -> str:
    try:
        return version("trellis")
    except PackageNotFoundError:
        return "development build"


class LaunchWindowParts:
    # ---- dropped files ---------------------------------------------------------------------

    @staticmethod
    def _journey_files(event) -> list[Path]:
        from engine.journey.file_format import SUFFIX

        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [Path(u.toLocalFile()) for u in urls
                if u.isLocalFile() and u.toLocalFile().endswith(SUFFIX)]

    def dragEnterEvent(self, event) -> None:
        if self._journey_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._journey_files(event)
        if files:
            event.acceptProposedAction()
            # one journey is open at a time: the last file dropped is the one shown
            for path in files:
                self.journeys.import_file(path)

    def about_text(self) -> str:
        from html import escape

        location = overview.describe_database(self._db.url)
        where = escape(str(location.path or location.display_url))
        return (f"<h3>Trellis {escape(app_version())}</h3>"
                "<p>Customer journeys for small businesses: draw the path, preview the emails "
                "with real contacts, publish, and let Trellis run it — on time, once, and "
                "within the law.</p>"
                f"<p>Database ({escape(location.backend)}): {where}</p>")

    def _about(self) -> None:
        QMessageBox.about(self, "About Trellis", self.about_text())

    # ---- launches and files ------------------------------------------------------------------

    def open_journey_files(self, paths) -> bool:
        """Import each `.journey.json` as a draft (a taken name gets a free one) and open it."""
        opened = False
        for path in paths:
            opened = self.journeys.import_file(path, on_conflict="copy") or opened
        return opened

    def handle_launch(self, message: dict) -> None:
        if message.get("show", True) or message.get("files"):
            policy = self.close_policy
            if policy is not None:
                policy.show_window()
            else:
                self.showNormal() if self.isMinimized() else self.show()
                self.raise_()
                self.activateWindow()
        files = [f for f in message.get("files", []) if isinstance(f, str)]
        if files:
            self.open_journey_files(files)
