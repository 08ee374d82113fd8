"""The merge-field picker: what an email can be personalised with, with each field's value
for the contact chosen in the preview.

Contract: `MergeFieldPicker(fields, contact_label, parent=None)` lists `fields` (objects
with `group`, `field`, `label`, `sample`, `fallback`, `is_commerce`; see
`app.merge_fields.MergeField`) grouped, with a search box. Choosing one shows its value
and proposes its fallback ("If empty, show"), editable; "Insert" (or a double-click, or
Enter) emits `chosen(field, fallback)` and closes. Products and offers have no fallback:
they are shown by their own block (or loop) instead. `choose(field)` selects by field.
"""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

FIELD_ROLE = Qt.ItemDataRole.UserRole + 1


class MergeFieldPicker(QDialog):
    chosen = Signal(str, str)  # field, fallback

    def __init__(self, fields: Sequence[Any], contact_label: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Personalise")
        self.resize(560, 560)
        self._fields = {f.field: f for f in fields}
        self.search = QLineEdit(placeholderText="Find a field…", clearButtonEnabled=True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Field", f"Value for {contact_label}"])
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(0, 220)
        groups: dict[str, QTreeWidgetItem] = {}
        for field in fields:
            group = groups.get(field.group)
            if group is None:
                group = QTreeWidgetItem(self.tree, [field.group])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setExpanded(True)
                groups[field.group] = group
            item = QTreeWidgetItem(group, [field.label, field.sample])
            item.setData(0, FIELD_ROLE, field.field)
            item.setToolTip(0, field.field)
            item.setToolTip(1, field.sample)
        self.tree.expandAll()
        self.fallback = QLineEdit(placeholderText="What to show when a contact has no value")
        self.note = QLabel(objectName="muted", wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.insert = self.buttons.addButton("Insert", QDialogButtonBox.ButtonRole.AcceptRole)
        self.insert.setProperty("primary", True)
        self.insert.setEnabled(False)
        self.buttons.accepted.connect(self._insert)
        self.buttons.rejected.connect(self.reject)
        self.tree.currentItemChanged.connect(self._picked)
        self.tree.itemDoubleClicked.connect(lambda item, _c: item.data(0, FIELD_ROLE) and
                                            self._insert())
        self.search.textChanged.connect(self._filter)
        self.fallback.returnPressed.connect(self._insert)

        form = QFormLayout()
        form.addRow("If empty, show", self.fallback)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

    def _items(self):
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            for n in range(group.childCount()):
                yield group, group.child(n)

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for group, item in self._items():
            haystack = f"{item.text(0)} {item.text(1)} {item.data(0, FIELD_ROLE)}".lower()
            item.setHidden(not all(w in haystack for w in words))
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            group.setHidden(all(group.child(n).isHidden() for n in range(group.childCount())))

    def choose(self, field: str) -> bool:
        for _group, item in self._items():
            if item.data(0, FIELD_ROLE) == field:
                self.tree.setCurrentItem(item)
                return True
        return False

    def current(self) -> Any | None:
        item = self.tree.currentItem()
        field = item.data(0, FIELD_ROLE) if item is not None else None
        return self._fields.get(field) if field else None

    def _picked(self, *_args) -> None:
        field = self.current()
        self.insert.setEnabled(field is not None)
        if field is None:
            return
        self.fallback.setEnabled(not field.is_commerce)
        self.fallback.setText("" if field.is_commerce else field.fallback)
        self.note.setText(
            "Shown by its own block (in a block email) or a loop (in code): each contact "
            "sees theirs." if field.is_commerce else
            f"Inserted as a personalisation: {field.field}, or what you write above when a "
            "contact has no value.")

    def _insert(self) -> None:
        field = self.current()
        if field is None:
            return
        self.chosen.emit(field.field, "" if field.is_commerce else self.fallback.text())
        self.accept()
