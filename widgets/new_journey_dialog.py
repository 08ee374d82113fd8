"""The "New journey" dialog: a blank canvas or a starter journey, and the new journey's name.

Contract: `NewJourneyDialog(starters, parent=None)` lists "Blank journey" first, then each
starter (objects with `name`, `description` and `steps`, e.g. `app.starters.Starter`)
with its description. Picking one proposes its name, which the marketer may change.
`chosen()` is the selected starter (None for blank) and `name()` the stripped name;
"Create journey" is enabled only with a name.
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

BLANK_NAME = "Untitled journey"
STARTER_ROLE = Qt.ItemDataRole.UserRole + 1


class NewJourneyDialog(QDialog):
    def __init__(self, starters: Sequence[Any], parent=None):
        super().__init__(parent)
        self.setWindowTitle("New journey")
        self.resize(620, 520)
        self.choices = QListWidget(objectName="starterList")
        self.choices.setWordWrap(True)
        self.choices.setSpacing(2)
        blank = QListWidgetItem(icon("plus", "accent"),
                                "Blank journey\nStart from an empty canvas and add a trigger.")
        blank.setData(STARTER_ROLE, None)
        self.choices.addItem(blank)
        for starter in starters:
            item = QListWidgetItem(icon("journeys", "accent"),
                                   f"{starter.name}\n{starter.description}")
            item.setData(STARTER_ROLE, starter)
            item.setToolTip(f"{starter.steps} steps, ready to adapt")
            self.choices.addItem(item)
        self.name_edit = QLineEdit()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create = self.buttons.addButton("Create journey", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create.setProperty("primary", True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.choices.currentItemChanged.connect(self._picked)
        self.choices.itemDoubleClicked.connect(lambda _item: self.create.click())
        self.name_edit.textChanged.connect(
            lambda text: self.create.setEnabled(bool(text.strip())))

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Start from", objectName="cardTitle"))
        layout.addWidget(QLabel("Starter journeys are proven playbooks with their emails "
                                "written: adapt the words, then publish.", objectName="muted",
                                wordWrap=True))
        layout.addWidget(self.choices, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.choices.setCurrentRow(0)

    def _picked(self, item: QListWidgetItem | None) -> None:
        starter = item.data(STARTER_ROLE) if item is not None else None
        self.name_edit.setText(starter.name if starter is not None else BLANK_NAME)

    def chosen(self) -> Any | None:
        item = self.choices.currentItem()
        return item.data(STARTER_ROLE) if item is not None else None

    def name(self) -> str:
        return self.name_edit.text().strip()
