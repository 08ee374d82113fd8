"""The "New template" dialog: a starter design and the new template's name.

Contract: `NewTemplateDialog(designs, parent=None)` lists the designs (objects with
`name` and `description`, e.g. `app.template_starters.StarterDesign`), the first chosen.
Picking one proposes its name, which the marketer may change. `chosen()` is the
selected design and `name()` the stripped name; "Create template" is enabled only with
a design and a name.
"""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from widgets.icons import icon

DESIGN_ROLE = Qt.ItemDataRole.UserRole + 1


class NewTemplateDialog(QDialog):
    def __init__(self, designs: Sequence[Any], parent=None):
        super().__init__(parent)
        self.setWindowTitle("New template")
        self.resize(560, 500)
        self.choices = QListWidget(objectName="starterList")
        self.choices.setWordWrap(True)
        self.choices.setSpacing(2)
        for design in designs:
            item = QListWidgetItem(icon("mail", "accent"), f"{design.name}\n{design.description}")
            item.setData(DESIGN_ROLE, design)
            self.choices.addItem(item)
        self.name_edit = QLineEdit()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create = self.buttons.addButton("Create template",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.create.setProperty("primary", True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.choices.currentItemChanged.connect(self._picked)
        self.choices.itemDoubleClicked.connect(lambda _item: self.create.click())
        self.name_edit.textChanged.connect(self._update)

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Start from", objectName="fieldLabel"))
        layout.addWidget(self.choices, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        if self.choices.count():
            self.choices.setCurrentRow(0)
        self._update()

    def _picked(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        old = previous.data(DESIGN_ROLE).name if previous is not None else ""
        if not self.name_edit.text().strip() or self.name_edit.text() == old:
            self.name_edit.setText(current.data(DESIGN_ROLE).name)
        self._update()

    def _update(self) -> None:
        self.create.setEnabled(self.chosen() is not None and bool(self.name()))

    def chosen(self) -> Any | None:
        item = self.choices.currentItem()
        return item.data(DESIGN_ROLE) if item is not None else None

    def name(self) -> str:
        return self.name_edit.text().strip()
