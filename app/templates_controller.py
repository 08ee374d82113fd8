"""The Templates page's verbs: new from a starter, open, duplicate, rename, delete, use in a
journey; and its thumbnails.

Contract:
- `TemplatesController(window, database, page, thumbnails_folder=None)` answers the page's
  `new_requested` and `action_requested(verb, entry)`; the rules live in
  `app.template_library`, the dialogs here. Every verb that changes the library refreshes
  the page and selects what it made; a refusal (a template still used by journeys) is
  shown with its reason and changes nothing.
- Open: a saved template in the email editor (`app.email_session.edit_stored_template`,
  its preview's Profile button opening the window's `contacts.open_profile`);
  a journey's email by opening its journey in the editor and then the email there, so
  its edits are undoable in the journey.
- Use in a journey: the marketer picks a journey; it opens in the editor and the email is
  added to it as one undoable step (`JourneyDocument.set_template`). A saved template
  keeps its key (that is how the library knows who uses it); a journey's email gets a
  key the target journey does not use yet.
- Thumbnails come from `ThumbnailMaker` (off the GUI thread, cached by content).
- The window it needs: `journeys` (open_journey), `editor_page`, `show_page`, `contacts`,
  `statusBar()`, `engine_host.public_url`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QMessageBox
from sqlalchemy import select

from app import template_library as library
from app.template_starters import starter_designs
from app.template_thumbnails import ThumbnailMaker
from engine.db.database import Database
from engine.db.models import JourneyRow, JourneyStatus
from engine.settings import load_settings
from widgets.new_template_dialog import NewTemplateDialog
from widgets.templates_page import TemplatesPage


def _now() -> datetime:
    return datetime.now(timezone.utc)


class TemplatesController(QObject):
    def __init__(self, window, database: Database, page: TemplatesPage,
                 thumbnails_folder: Path | None = None):
        super().__init__(page)
        self.window, self.database, self.page = window, database, page
        # the brand kit draws every block email: a change of it is a new picture of each
        self.thumbnails = ThumbnailMaker(database, thumbnails_folder, self,
                                         extra=self._brand_key)
        self.thumbnails.ready.connect(page.set_thumbnail)
        page.thumbnails_wanted.connect(self.thumbnails.request)
        page.new_requested.connect(self.new_template)
        page.action_requested.connect(self.do)
        self.last_dialog = None  # the email editor the last "open" showed (tests read it)

    def _brand_key(self) -> str:
        with self.database.session() as session:
            return load_settings(session).brand.model_dump_json()

    def load(self) -> list[library.LibraryEmail]:
        with self.database.session() as session:
            return library.list_library(session)

    def do(self, verb: str, entry: library.LibraryEmail) -> None:
        getattr(self, f"_{verb}")(entry)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)

    def _refresh_and_select(self, template_id: int | None = None) -> None:
        self.page.refresh()
        if template_id is not None:
            self.page.select(f"saved:{template_id}")

    # ---- new -----------------------------------------------------------------------------

    def new_template(self, design=None, name: str | None = None) -> int | None:
        """Ask for a starter design and a name (or take them) and store the new template."""
        if design is None:
            dialog = NewTemplateDialog(starter_designs(), self.window)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            design, name = dialog.chosen(), dialog.name()
        template = design.template.model_copy(update={"name": name or design.name})
        with self.database.session() as session:
            template_id = library.create_template(session, template, _now())
        self._refresh_and_select(template_id)
        self._status(f"“{template.name}” created from the {design.name} design")
        self._open(next(e for e in self.page.entries() if e.template_id == template_id))
        return template_id

    # ---- the verbs on an entry -------------------------------------------------------------

    def _open(self, entry: library.LibraryEmail) -> None:
        if entry.kind == library.SAVED:
            from app.email_session import edit_stored_template

            self.last_dialog = edit_stored_template(
                self.window, self.database, entry.template_id, self.page.refresh,
                self.window.engine_host.public_url,
                open_profile=self.window.contacts.open_profile)
            return
        if self.window.journeys.open_journey(entry.journey_id):
            self.last_dialog = self.window.editor_page.emails.edit(entry.key)

    def _duplicate(self, entry: library.LibraryEmail) -> None:
        with self.database.session() as session:
            template_id = library.duplicate_template(session, entry.template, _now())
        self._refresh_and_select(template_id)
        self._status(f"Saved a copy of “{entry.name}” as a template")

    def _rename(self, entry: library.LibraryEmail, name: str | None = None) -> bool:
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Rename template", "Name",
                                            QLineEdit.EchoMode.Normal, entry.name)
            if not ok or name.strip() == entry.name:
                return False
        try:
            with self.database.session() as session:
                library.rename_template(session, entry.template_id, name, _now())
        except (ValueError, LookupError) as error:
            QMessageBox.warning(self.window, "Not renamed", str(error).capitalize() + ".")
            return False
        self._refresh_and_select(entry.template_id)
        return True

    def _delete(self, entry: library.LibraryEmail, confirmed: bool = False) -> bool:
        if not confirmed:
            answer = QMessageBox.question(
                self.window, "Delete template",
                f"Delete the template “{entry.name}”? This cannot be undone.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            with self.database.session() as session:
                library.delete_template(session, entry.template_id, self._open_users)
        except library.TemplateInUse as error:
            QMessageBox.information(self.window, "Template in use", str(error) + ".")
            return False
        except LookupError:
            pass  # gone already: the refresh shows it
        self.page.refresh()
        self._status(f"“{entry.name}” deleted")
        return True

    def _open_users(self, key: str) -> list[str]:
        """The journey open in the editor, when its (maybe unsaved) emails hold `key`."""
        page = self.window.editor_page
        document = page.document if page is not None else None
        if document is not None and key in document.journey.templates:
            return [document.journey.name]
        return []

    def journeys_to_use_in(self) -> list[tuple[int, str]]:
        with self.database.session() as session:
            rows = session.execute(
                select(JourneyRow.id, JourneyRow.name)
                .where(JourneyRow.status != JourneyStatus.ARCHIVED).order_by(JourneyRow.name))
            return [(row.id, row.name) for row in rows]

    def _use(self, entry: library.LibraryEmail, journey_id: int | None = None) -> bool:
        if journey_id is None:
            journeys = [j for j in self.journeys_to_use_in() if j[0] != entry.journey_id]
            if not journeys:
                QMessageBox.information(self.window, "Use in a journey",
                                        "There is no journey yet: create one on the Journeys "
                                        "page first.")
                return False
            names = [name for _id, name in journeys]
            name, ok = QInputDialog.getItem(self.window, "Use in a journey",
                                            f"Add “{entry.name}” to the journey", names, 0, False)
            if not ok:
                return False
            journey_id = journeys[names.index(name)][0]
        if not self.window.journeys.open_journey(journey_id):
            return False
        document = self.window.editor_page.document
        template = self._copy_for(entry, document.journey.templates)
        if template is None:
            return False
        reason = document.set_template(template)
        if reason:
            self._status(f"Not added: {reason}")
            return False
        self._status(f"“{template.name}” added to the journey: choose it in a Send email "
                     "step (Ctrl+Z takes it out again)")
        return True

    def _copy_for(self, entry: library.LibraryEmail, present: dict):
        template = entry.template
        if entry.kind == library.SAVED:
            held = present.get(template.key)
            if held is not None and held != template:
                answer = QMessageBox.question(
                    self.window, "Use in a journey",
                    f"This journey already has its own copy of “{held.name}”. Replace it with "
                    "the saved template?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
                if answer != QMessageBox.StandardButton.Yes:
                    return None
            return template
        key, number = template.key, 2
        while key in present:
            key, number = f"{template.key}-{number}", number + 1
        return template.model_copy(update={"key": key})
