""""Send a test event": record a real event for a contact, as the shop's site would send it.

Contract: `TestEventDialog(names, contacts, parent=None)`: the event name is an editable
combo of `names` (the names the database has seen: pick one or type a new one), the
contact a combo of [(label, contact_id)], and the properties are rows of name and value
(Add property / Remove). A value is read as JSON when it is a number, true, false or
null ("12.5" → 12.5), else as text. "Send event" checks the form — a name is needed, a
property row with a value needs a name, no name twice — and shows the problem under the
table, or emits `send_requested(name, contact_id, properties)`. The dialog does no work
itself: the owner records the event and calls `set_busy()` and `show_result(text, tone)`.
`properties()` returns the rows as a dict, or raises ValueError saying which row is wrong.
"""

from __future__ import annotations

import json
import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from widgets.icons import icon

_SCALAR = re.compile(r"^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)$")


def read_value(text: str) -> Any:
    text = text.strip()
    return json.loads(text) if _SCALAR.match(text) else text


class TestEventDialog(QDialog):
    __test__ = False  # not a pytest class
    send_requested = Signal(str, int, object)  # name, contact id, properties

    def __init__(self, names: list[str], contacts: list[tuple[str, int]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Send a test event")
        self.setMinimumSize(540, 480)
        intro = QLabel("Records a real event, as your shop's site would send it: journeys "
                       "that wait for it or start with it react at once, and the live counts "
                       "on the canvas move.", wordWrap=True, objectName="muted")
        self.name = QComboBox(editable=True)
        self.name.addItems(names)
        self.name.lineEdit().setPlaceholderText("e.g. added_to_cart")
        # editable, matched anywhere in the label: type part of a name or an address
        self.contact = QComboBox(editable=True)
        self.contact.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for label, contact_id in contacts:
            self.contact.addItem(label, contact_id)
        self.contact.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.contact.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        form = QFormLayout()
        form.addRow("Event", self.name)
        form.addRow("Contact", self.contact)

        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Property", "Value"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        add = QPushButton(icon("plus"), " Add property")
        add.clicked.connect(lambda: self.add_property())
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_row)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(add)
        row_buttons.addWidget(remove)
        row_buttons.addStretch(1)

        self.problem = QLabel(objectName="fieldError", wordWrap=True)
        self.problem.hide()
        self.result = QLabel(wordWrap=True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.send_button = self.buttons.addButton("Send event",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.send_button.setProperty("primary", True)
        self.send_button.clicked.connect(self._send)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel("Properties", objectName="fieldLabel"))
        layout.addWidget(QLabel("Numbers, true, false and null are sent as such; anything else "
                                "as text.", objectName="muted", wordWrap=True))
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        layout.addWidget(self.problem)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)

    def add_property(self, name: str = "", value: str = "") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.table.setItem(row, 1, QTableWidgetItem(value))

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def choose_contact(self, contact_id: int) -> None:
        self.contact.setCurrentIndex(max(0, self.contact.findData(contact_id)))

    def properties(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for row in range(self.table.rowCount()):
            name = (self.table.item(row, 0).text() if self.table.item(row, 0) else "").strip()
            value = self.table.item(row, 1).text() if self.table.item(row, 1) else ""
            if not name:
                if value.strip():
                    raise ValueError(f"property row {row + 1}: give the value {value!r} a name")
                continue
            if name in found:
                raise ValueError(f"property row {row + 1}: {name!r} is there twice")
            found[name] = read_value(value)
        return found

    def _send(self) -> None:
        name = self.name.currentText().strip()
        try:
            if not name:
                raise ValueError("name the event (pick one the shop has sent, or type one)")
            typed = self.contact.currentText()
            if self.contact.currentData() is None or \
                    typed != self.contact.itemText(self.contact.currentIndex()):
                raise ValueError("choose the contact the event is about")
            properties = self.properties()
        except ValueError as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        self.problem.hide()
        self.send_requested.emit(name, int(self.contact.currentData()), properties)

    def set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        if busy:
            self.show_result("Recording…")

    def show_result(self, text: str, tone: str | None = None) -> None:
        self.result.setText(text)
        self.result.setProperty("tone", tone)
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)
