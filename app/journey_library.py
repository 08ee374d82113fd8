"""The journeys list's verbs, done: rename, duplicate, export, archive, restore, delete.

Contract:
- Results opens the journey's Results view (`window.show_results`).
- `JourneyLibrary(window, database, journeys)` takes the main window (pages, status bar,
  dialog parent) and its `JourneyActions` (open, export, and the editor page). `do(verb,
  journey_id, **answers)` carries out one of `widgets.journeys_page.VERBS` and returns
  whether it was done; every refusal is said in a message box, nothing changes then.
- A journey open in the editor is renamed through the editor (an undoable rename, then
  saved), so the editor and the list never disagree; archiving or deleting it closes the
  editor first (which may ask about unsaved changes; Cancel stops the verb).
- `answers` let tests and scripts skip the dialogs: `name=` for rename, `confirm=True`
  for delete.
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from engine.db.database import Database
from engine.journey.library import (
    JourneyLibraryError,
    archive_journey,
    delete_journey,
    duplicate_journey,
    rename_journey,
    restore_journey,
)


class JourneyLibrary(QObject):
    def __init__(self, window, database: Database, journeys):
        super().__init__(window)
        self.window, self.database, self.journeys = window, database, journeys

    @property
    def editor(self):
        return self.journeys.editor

    def _now(self) -> datetime:
        return datetime.now(timezone.utc)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)

    def _refused(self, title: str, reason: str) -> bool:
        QMessageBox.warning(self.window, title, reason[:1].upper() + reason[1:])
        return False

    def _name_of(self, journey_id: int) -> str:
        from engine.journey.drafts import journey_info

        with self.database.session() as session:
            return journey_info(session, journey_id).name

    def _open_here(self, journey_id: int) -> bool:
        return self.editor.journey_id == journey_id and self.editor.document is not None

    def do(self, verb: str, journey_id: int, **answers) -> bool:
        handler = getattr(self, f"_{verb}", None)
        if handler is None:
            raise ValueError(f"unknown journey verb {verb!r}")
        done = handler(journey_id, **answers)
        self.window.journeys_page.refresh()
        return done

    # ---- the verbs -----------------------------------------------------------------------------

    def _open(self, journey_id: int) -> bool:
        return self.journeys.open_journey(journey_id)

    def _results(self, journey_id: int) -> bool:
        self.window.show_results(journey_id)
        return True

    def _export(self, journey_id: int, path=None) -> bool:
        self.window.journeys_page.select_journey(journey_id)
        return self.journeys.export_journey(path)

    def _rename(self, journey_id: int, name: str | None = None) -> bool:
        old = self._name_of(journey_id)
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Rename the journey", "New name:",
                                            QLineEdit.EchoMode.Normal, old)
            if not ok:
                return False
        if self._open_here(journey_id):
            reason = self.editor.document.rename(name)
            if reason:
                return self._refused("Not renamed", reason)
            if not self.editor.save():
                return False
        else:
            try:
                with self.database.session() as session:
                    rename_journey(session, journey_id, name, self._now())
            except JourneyLibraryError as error:
                return self._refused("Not renamed", str(error))
        self._say(f"Renamed “{old}” to “{name.strip()}”")
        return True

    def _duplicate(self, journey_id: int) -> bool:
        if self._open_here(journey_id) and self.editor.dirty() and not self.editor.save():
            return False  # the copy is of what the marketer sees
        try:
            with self.database.session() as session:
                new_id = duplicate_journey(session, journey_id, self._now())
        except (JourneyLibraryError, ValueError) as error:
            return self._refused("Not duplicated", str(error))
        self.window.journeys_page.show_archived(False)
        self.window.journeys_page.refresh()
        self.window.journeys_page.select_journey(new_id)
        self._say(f"Made “{self._name_of(new_id)}”, a draft copy")
        return True

    def _archive(self, journey_id: int) -> bool:
        name = self._name_of(journey_id)
        if self._open_here(journey_id) and not self.editor.close():
            return False
        try:
            with self.database.session() as session:
                archive_journey(session, journey_id, self._now())
        except JourneyLibraryError as error:
            return self._refused("Not archived", str(error))
        self._say(f"Archived “{name}”: it is under Archived, where Restore brings it back")
        return True

    def _restore(self, journey_id: int) -> bool:
        try:
            with self.database.session() as session:
                status = restore_journey(session, journey_id, self._now())
        except JourneyLibraryError as error:
            return self._refused("Not restored", str(error))
        self._say(f"Restored “{self._name_of(journey_id)}” as {status}")
        return True

    def _delete(self, journey_id: int, confirm: bool | None = None) -> bool:
        name = self._name_of(journey_id)
        if confirm is None:
            answer = QMessageBox.question(
                self.window, "Delete the journey",
                f"Delete “{name}” for good? Its steps, versions and the record of who went "
                "through it are removed; emails already sent stay in the outbox history. "
                "This cannot be undone.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            confirm = answer == QMessageBox.StandardButton.Yes
        if not confirm:
            return False
        if self._open_here(journey_id) and not self.editor.close():
            return False
        try:
            with self.database.session() as session:
                delete_journey(session, journey_id)
        except JourneyLibraryError as error:
            return self._refused("Not deleted", str(error))
        self._say(f"Deleted “{name}”")
        return True
