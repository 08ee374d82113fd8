"""The journey verbs of the File menu and the Journeys page: new, open, import, export.

Contract:
- `JourneyActions(window, database, editor, recent)`; `window` shows pages
  (`show_page(name)`) and parents the dialogs, `editor` is the `EditorPage`, `recent` a
  `RecentFiles`. Every verb that opens a journey first closes the open one (which may
  ask about unsaved changes, and stops everything when the marketer cancels).
- `new_journey(starter=None, name=None)`: a blank journey or a copy of a starter journey
  (`app.starters`), under a name no other journey has; without arguments the New
  journey dialog asks. The journey is stored as a draft at once, then opened.
- `open_journey(journey_id)`: the stored draft in the editor.
- `import_file(path=None, on_conflict=None)`: reads a `.journey.json` (a file dialog
  when no path; problems in the file are listed, nothing is opened). The journey stays
  bound to its file: saving writes the file too. When a journey of that name exists,
  `on_conflict` says "replace" (the file becomes its draft) or "copy" (a new journey,
  not bound to the file); None asks. Imported files join the recent files.
- `export_journey(path=None)`: writes the open journey (unsaved edits included) or, on
  the Journeys page, the selected journey's draft to a `.journey.json`.
Each returns whether it did its job.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from sqlalchemy import select

from app.editor_page import EditorPage
from app.journey_document import JourneyDocument
from app.recent_files import RecentFiles
from app.starters import Starter, list_starters, load_starter
from engine.db.database import Database
from engine.db.models import JourneyRow
from engine.errors import JourneyEditError
from engine.journey.model import Journey
from engine.journey.drafts import load_draft, store_draft, unique_name
from engine.journey.file_format import SUFFIX, write_journey_file
from engine.messaging.lint import linter_for
from widgets.new_journey_dialog import NewJourneyDialog

FILTER = f"Trellis journeys (*{SUFFIX})"
REPLACE, COPY = "replace", "copy"


class JourneyActions(QObject):
    def __init__(self, window, database: Database, editor: EditorPage, recent: RecentFiles):
        super().__init__(window)
        self.window, self.database, self.editor, self.recent = window, database, editor, recent

    def _now(self) -> datetime:
        return datetime.now(timezone.utc)

    def _show(self, document: JourneyDocument, journey_id: int) -> None:
        # lint as publishing will: with the custom fields contacts have
        document.use_linter(linter_for(self.database))
        self.editor.open(document, journey_id)
        self.window.show_page("editor")
        self.window.journeys_page.refresh()

    # ---- new and open ------------------------------------------------------------------------

    def new_journey(self, starter: Starter | None = None, name: str | None = None) -> bool:
        if name is None:
            dialog = NewJourneyDialog(list_starters(), self.window)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            starter, name = dialog.chosen(), dialog.name()
        if not self.editor.close():
            return False
        data = load_starter(starter.path) if starter is not None else Journey(name).to_document()
        with self.database.session() as session:
            data = data.model_copy(update={"name": unique_name(session, name)})
            journey_id = store_draft(session, data, self._now())
        self._show(JourneyDocument(Journey.from_document(data)), journey_id)
        return True

    def open_journey(self, journey_id: int) -> bool:
        if self.editor.journey_id == journey_id:
            self.window.show_page("editor")
            return True
        if not self.editor.close():
            return False
        try:
            with self.database.session() as session:
                journey = Journey.from_document(load_draft(session, journey_id))
        except (LookupError, ValueError, JourneyEditError) as error:
            QMessageBox.warning(self.window, "Cannot open the journey", str(error))
            return False
        self._show(JourneyDocument(journey), journey_id)
        return True

    # ---- files ------------------------------------------------------------------------------

    def import_file(self, path: str | Path | None = None, on_conflict: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Import a journey", "", FILTER)
            if not path:
                return False
        document, problems = JourneyDocument.from_file(path)
        if document is None:
            lines = "\n".join(f"• {p}" for p in problems[:12])
            QMessageBox.warning(self.window, "This file cannot be opened",
                                f"{Path(path).name} has problems:\n\n{lines}")
            return False
        name = document.journey.name
        with self.database.session() as session:
            exists = session.scalar(select(JourneyRow.id).where(JourneyRow.name == name))
        if exists is not None:
            on_conflict = on_conflict or self._ask_conflict(name)
            if on_conflict is None:
                document.close()
                return False
            if on_conflict == COPY:
                data = document.journey.to_document()
                document.close()
                with self.database.session() as session:
                    data = data.model_copy(update={"name": unique_name(session, name)})
                document = JourneyDocument(Journey.from_document(data))
        if not self.editor.close():
            document.close()
            return False
        with self.database.session() as session:
            journey_id = store_draft(session, document.journey.to_document(), self._now())
        if document.path is not None:
            self.recent.add(document.path)
        self._show(document, journey_id)
        return True

    def _ask_conflict(self, name: str) -> str | None:
        box = QMessageBox(QMessageBox.Icon.Question, "A journey with this name exists",
                          f"There is already a journey named “{name}”.", parent=self.window)
        box.setInformativeText("Replace its draft with the file (its live version and the "
                               "contacts in it stay as they are), or import a separate copy?")
        replace = box.addButton("Replace its draft", QMessageBox.ButtonRole.AcceptRole)
        copy = box.addButton("Import as a copy", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return {replace: REPLACE, copy: COPY}.get(box.clickedButton())

    def can_export(self) -> bool:
        on_editor = self.window.current_page() == "editor" and self.editor.document is not None
        return on_editor or self.window.journeys_page.selected_journey_id() is not None

    def export_journey(self, path: str | Path | None = None) -> bool:
        if self.window.current_page() == "editor" and self.editor.document is not None:
            data = self.editor.document.journey.to_document()
        else:
            journey_id = self.window.journeys_page.selected_journey_id()
            if journey_id is None:
                return False
            with self.database.session() as session:
                data = load_draft(session, journey_id)
        if path is None:
            suggested = data.name.lower().replace(" ", "-") + SUFFIX
            path, _ = QFileDialog.getSaveFileName(self.window, "Export the journey", suggested,
                                                  FILTER)
            if not path:
                return False
        path = Path(path)
        if not path.name.endswith(SUFFIX):
            path = path.with_name(path.name.removesuffix(".json") + SUFFIX)
        try:
            write_journey_file(data, path)
        except OSError as error:
            QMessageBox.warning(self.window, "Not exported", f"The file was not written:\n\n{error}")
            return False
        self.recent.add(path)
        self.window.statusBar().showMessage(f"Exported “{data.name}” to {path}", 6000)
        return True
