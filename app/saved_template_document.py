"""A saved template open in an editor: its own undo stack, every change stored at once.

Contract: `SavedTemplateDocument(database, template_id, template, on_stored)` has the
face of a journey document that the email session edits through (`set_template(t,
merge_key)`, `bridge.templates_changed`, `journey.templates`, `undo_stack`), for one
email: each edit is one undo step (edits with the same merge key merge, as typing in one
field), and every change — an edit, an undo, a redo — is written to the template's row
(`engine.journey.drafts.store_template`) before `templates_changed` is emitted, so
closing and reopening shows the last state. `on_stored()` is called after each write
(the Templates page refreshes). A write that fails is undone and its reason returned
(an `app.undo_commands.SetValueCommand` per edit; a refused store raises `EditRefused`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.undo_commands import EditRefused, SetValueCommand
from engine.db.database import Database
from engine.journey.data import EmailTemplate
from engine.journey.drafts import store_template


class _Bridge(QObject):
    templates_changed = Signal()


class SavedTemplateDocument(QObject):
    def __init__(self, database: Database, template_id: int, template: EmailTemplate,
                 on_stored: Callable[[], None] = lambda: None, parent=None):
        super().__init__(parent)
        self.database, self.template_id, self._on_stored = database, template_id, on_stored
        self.undo_stack = QUndoStack(self)
        self.bridge = _Bridge(self)
        self.journey = SimpleNamespace(templates={template.key: template})

    @property
    def template(self) -> EmailTemplate:
        return next(iter(self.journey.templates.values()))

    def set_template(self, template: EmailTemplate, merge_key: object = None) -> str:
        if template == self.template:
            return ""
        command = SetValueCommand(f"Edit “{template.name}”", "template", self._write,
                                  self.template, template, merge_key)
        self.undo_stack.push(command)
        return command.error

    def _write(self, template: EmailTemplate) -> None:
        error = self._put(template)
        if error:  # nothing was stored: the edit did not happen
            raise EditRefused(error)

    def _put(self, template: EmailTemplate) -> str:
        try:
            with self.database.session() as session:
                store_template(session, self.template_id, template, datetime.now(timezone.utc))
        except Exception as error:  # noqa: BLE001 - said to the marketer, nothing changed
            return f"the template could not be stored ({error})"
        self.journey.templates = {template.key: template}
        self.bridge.templates_changed.emit()
        self._on_stored()
        return ""
