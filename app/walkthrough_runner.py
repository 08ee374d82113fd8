"""Walk-throughs from the editor: the panel, the contacts it offers, and the run off the GUI
thread.

Contract:
- `WalkthroughRunner(database, parent)` owns a `WalkthroughPanel` (`panel`). Its contact
  chooser offers an invented contact and the newest stored contacts.
  `set_document(document)` says which journey to walk (None: none open).
- A run request starts one `Task`: `engine.simulation.walkthrough.walk_through` on the document's
  current graph (unsaved edits included), the scenario's script for it, the chosen
  contact (a stored contact is copied in, status included; the invented one gets what
  a date trigger needs), the app settings, starting now. Progress and Stop reach the
  panel; the result or the reason it failed is shown there. Nothing is sent.
- Clicking an email in the timeline opens it in an email preview window, as the
  simulation rendered it for that contact.
- `last_path()` is the node ids the contact reached in the last walk-through;
  `path_changed(ids)` is emitted when a run ends with a timeline (its path) and when the
  timeline is cleared ([]), for the canvas to highlight.
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QVBoxLayout

from app import overview
from app.background import Task
from engine.db.database import Database
from engine.db.models import Contact
from engine.messaging.compose import RenderedEmail
from engine.messaging.lint import lint_template
from engine.settings import load_settings
from engine.simulation.walkthrough import (
    PRESETS,
    for_trigger,
    invented_contact,
    preset_script,
    walk_through,
)
from widgets.email_preview import EmailPreview
from widgets.walkthrough_panel import WalkthroughPanel

CONTACTS_OFFERED = 30
CONTACT_FIELDS = ("email", "first_name", "last_name", "timezone", "locale", "country",
                  "attributes", "status")


class WalkthroughRunner(QObject):
    path_changed = Signal(list)

    def __init__(self, database: Database, parent=None):
        super().__init__(parent)
        self.database = database
        self.document = None
        self.panel = WalkthroughPanel(PRESETS)
        self.panel.hide()
        self.panel.run_requested.connect(self.run)
        self.panel.cancel_requested.connect(self.cancel)
        self.panel.email_clicked.connect(self.show_email)
        self._task: Task | None = None
        self._sender = ""
        self.email_dialog: QDialog | None = None

    def set_document(self, document) -> None:
        self.cancel()
        self.document = document
        self.panel.clear()
        self.path_changed.emit([])
        if document is not None:
            self._offer_contacts()

    def _offer_contacts(self) -> None:
        invented = invented_contact()
        with self.database.session() as session:
            found = overview.fetch_contacts(session, limit=CONTACTS_OFFERED)
            self._sender = load_settings(session).sender_name
        self.panel.set_contacts(
            [(f"Invented: {invented['first_name']} {invented['last_name']}", None)]
            + [(f"{c.name} <{c.email}>" if c.name else c.email, c.id) for c in found])

    def _contact(self, contact_id: int | None, document, start: datetime) -> dict:
        if contact_id is None:
            return for_trigger(document, invented_contact(), start)
        with self.database.session() as session:
            row = session.get(Contact, contact_id)
            return {field: getattr(row, field) for field in CONTACT_FIELDS
                    if getattr(row, field) is not None}

    def run(self, preset: str, contact_id: int | None) -> None:
        if self.document is None or self._task is not None:
            return
        document = self.document.journey.to_document()
        start = datetime.now(timezone.utc).astimezone().replace(second=0, microsecond=0)
        contact = self._contact(contact_id, document, start)
        with self.database.session() as session:
            settings = load_settings(session)
        script = preset_script(document, preset)

        def work(progress, cancelled):
            return walk_through(document, contact, script, start, settings=settings,
                                lint_template=lint_template, progress=progress,
                                cancelled=cancelled)

        self._task = Task(work, self, name="trellis-walkthrough")
        self._task.progressed.connect(self.panel.set_progress)
        self._task.succeeded.connect(self._walked)
        self._task.failed.connect(self.panel.show_error)
        self._task.cancelled.connect(lambda: self.panel.show_error("stopped"))
        self._task.finished.connect(self._finished)
        self.panel.set_running(True)
        self._task.start()

    def _walked(self, lines: list) -> None:
        self.panel.show_timeline(lines)
        self.path_changed.emit(self.panel.path())

    def _finished(self) -> None:
        self._task.deleteLater()
        self._task = None

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def is_running(self) -> bool:
        return self._task is not None

    def last_path(self) -> list[str]:
        return self.panel.path()

    def show_email(self, line: dict) -> None:
        dialog = QDialog(self.panel.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle(f"Walk-through email: {line.get('subject') or ''}")
        dialog.resize(820, 760)
        preview = EmailPreview(choose_contact=False)
        preview.show_email(RenderedEmail(subject=line.get("subject") or "", preheader="",
                                         from_name=self._sender, html=line.get("html") or "",
                                         text=line.get("text") or ""))
        layout = QVBoxLayout(dialog)
        layout.addWidget(preview)
        dialog.show()
        self.email_dialog = dialog
