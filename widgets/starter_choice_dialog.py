"""A "New …" dialog: pick what to start from, name it, create it.

Contract: `StarterChoiceDialog(title, create_text, choices, heading_hint="", size=(560, 500),
parent=None)` lists `choices` (each a `Choice`: icon name, title, description, tooltip,
the value `chosen()` returns, and the name it proposes), the first one chosen. Picking
one proposes its name; a name the marketer typed is kept when they pick another (only a
proposed name is replaced). `chosen()` is the selected choice's value, `name()` the
stripped name; the create button (`create`) is enabled only with a choice and a name, and
a double-click on a choice presses it. `NewJourneyDialog` and `NewTemplateDialog` are
this dialog with their own choices.
"""

from __future__ import annotations

from dataclasses import dataclass
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

CHOICE_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Choice:
    icon: str
    title: str
    description: str
    value: Any
    proposed_name: str
    tooltip: str = ""


class StarterChoiceDialog(QDialog):
    def __init__(self, title: str, create_text: str, choices: Sequence[Choice],
                 heading_hint: str = "", size: tuple[int, int] = (560, 500), parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(*size)
        self.choices = QListWidget(objectName="starterList")
        self.choices.setWordWrap(True)
        self.choices.setSpacing(2)
        for choice in choices:
            item = QListWidgetItem(icon(choice.icon, "accent"),
                                   f"{choice.title}\n{choice.description}")
            item.setData(CHOICE_ROLE, choice)
            if choice.tooltip:
                item.setToolTip(choice.tooltip)
            self.choices.addItem(item)
        self.name_edit = QLineEdit()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create = self.buttons.addButton(create_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.create.setProperty("primary", True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.choices.currentItemChanged.connect(self._picked)
        self.choices.itemDoubleClicked.connect(lambda _item: self.create.click())
        self.name_edit.textChanged.connect(self._update)

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Start from", objectName="cardTitle"))
        if heading_hint:
            layout.addWidget(QLabel(heading_hint, objectName="muted", wordWrap=True))
        layout.addWidget(self.choices, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        if self.choices.count():
            self.choices.setCurrentRow(0)
        self._update()

    def _picked(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        old = previous.data(CHOICE_ROLE).proposed_name if previous is not None else ""
        if not self.name_edit.text().strip() or self.name_edit.text() == old:
            self.name_edit.setText(current.data(CHOICE_ROLE).proposed_name)
        self._update()

    def _update(self) -> None:
        self.create.setEnabled(self.choices.currentItem() is not None and bool(self.name()))

    def chosen(self) -> Any | None:
        item = self.choices.currentItem()
        return item.data(CHOICE_ROLE).value if item is not None else None

    def name(self) -> str:
        return self.name_edit.text().strip()
