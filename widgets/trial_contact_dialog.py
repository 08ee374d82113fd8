""""Enter a test contact now": put one contact into a live journey and watch the engine move it.

Contract: `TestContactDialog(journey_name, contacts, parent=None, search=None)` lists
contacts as [(label, contact_id, is_test)] (test contacts first is the owner's order)
with a search field: with `search(text) -> rows` given, typing asks it for the contacts
to list (the database has more than the list shows); without, it filters the list. A
"Mark as a test contact" box is checked for a contact that is one already. "Enter now" emits `enter_requested(contact_id,
mark_test)`; the dialog does no work itself. The owner calls `set_busy(True/False)` and
`show_result(text, tone)` ("success", "danger"…); the dialog stays open so the marketer
can enter someone else.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

ID_ROLE = Qt.ItemDataRole.UserRole
TEST_ROLE = Qt.ItemDataRole.UserRole + 1


class TestContactDialog(QDialog):
    __test__ = False  # not a pytest class
    enter_requested = Signal(int, bool)

    def __init__(self, journey_name: str, contacts: list[tuple[str, int, bool]], parent=None,
                 search=None):
        super().__init__(parent)
        self.setWindowTitle(f"Enter a test contact — {journey_name}")
        self.setMinimumSize(520, 460)
        intro = QLabel(f"The contact enters “{journey_name}” now, as if the trigger had fired, "
                       "and the engine runs their first steps at once: emails are really sent "
                       "(or wait in the outbox). Use your own address or a colleague's.",
                       wordWrap=True, objectName="muted")
        self._search = search
        self.search = QLineEdit(placeholderText="Search by name or email")
        self.search.textChanged.connect(self._filter)
        self.contacts = QListWidget()
        self.mark = QCheckBox("Mark as a test contact")
        self.mark.setToolTip("Test contacts are offered first, and counts can leave them out")
        self.result = QLabel(wordWrap=True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.enter_button = self.buttons.addButton("Enter now",
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.enter_button.setProperty("primary", True)
        self.enter_button.clicked.connect(self._enter)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.contacts, 1)
        layout.addWidget(self.mark)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        self.contacts.currentItemChanged.connect(self._chosen)
        self.set_contacts(contacts)

    def choose(self, contact_id: int) -> None:
        for row in range(self.contacts.count()):
            if self.contacts.item(row).data(ID_ROLE) == contact_id:
                self.contacts.setCurrentRow(row)

    def set_contacts(self, contacts: list[tuple[str, int, bool]]) -> None:
        self.contacts.clear()
        for label, contact_id, is_test in contacts:
            item = QListWidgetItem(label + ("  · test contact" if is_test else ""))
            item.setData(ID_ROLE, contact_id)
            item.setData(TEST_ROLE, is_test)
            self.contacts.addItem(item)
        if self.contacts.count():
            self.contacts.setCurrentRow(0)
        self._chosen(self.contacts.currentItem())

    def _filter(self, text: str) -> None:
        if self._search is not None:
            self.set_contacts(self._search(text))
            return
        words = text.lower().split()
        for row in range(self.contacts.count()):
            item = self.contacts.item(row)
            item.setHidden(not all(word in item.text().lower() for word in words))

    def _chosen(self, item) -> None:
        self.enter_button.setEnabled(item is not None)
        if item is not None:
            self.mark.setChecked(bool(item.data(TEST_ROLE)))

    def _enter(self) -> None:
        item = self.contacts.currentItem()
        if item is not None and not item.isHidden():
            self.enter_requested.emit(int(item.data(ID_ROLE)), self.mark.isChecked())

    def set_busy(self, busy: bool) -> None:
        self.enter_button.setEnabled(not busy)
        if busy:
            self.show_result("Entering…")

    def show_result(self, text: str, tone: str | None = None) -> None:
        self.result.setText(text)
        self.result.setProperty("tone", tone)
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)
