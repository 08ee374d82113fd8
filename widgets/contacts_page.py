"""The Contacts page: a searchable list of every contact, loaded lazily.

Contract:
- `ContactsPage(count, fetch)` takes the two read functions `ContactsModel` needs.
- Typing in the search field filters by email or name after a short pause;
  `search(text)` does the same at once. The count label says how many contacts match.
- With no contacts at all the page explains how to import them; with no match it says so.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from widgets import formatting
from widgets.contacts_model import ContactsModel, CountFn, FetchFn
from widgets.empty_state import EmptyState
from widgets.icons import icon
from widgets.page_parts import DataTable, Page, TableCard

SEARCH_DELAY_MS = 250

EMPTY_TITLE = "No contacts yet"
EMPTY_BODY = (
    "Import a CSV from a terminal with <code>trellis contacts import</code>. "
    "Each row needs an email address; names, country and lead score come along when "
    "the file has them. Your contacts will be listed here, newest first."
)


class ContactsPage(Page):
    def __init__(self, count: CountFn, fetch: FetchFn, parent=None):
        super().__init__("Contacts", "Everyone your journeys can reach, newest first.", parent)
        self._count = count
        self.model = ContactsModel(count, fetch, parent=self)

        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText("Search by email or name")
        self.search_field.setToolTip("Find contacts whose email address or name contains this text")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.addAction(
            icon("search", "text_faint"), QLineEdit.ActionPosition.LeadingPosition
        )
        self.search_field.setFixedWidth(340)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(lambda: self.search(self.search_field.text()))
        self.search_field.textChanged.connect(lambda _text: self._debounce.start())
        self.count_label = QLabel(objectName="countLabel")
        self.toolbar = QWidget()
        toolbar = QHBoxLayout(self.toolbar)
        toolbar.setContentsMargins(0, 0, 0, 0)
        toolbar.addWidget(self.search_field)
        toolbar.addStretch(1)
        toolbar.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignVCenter)
        self.content.addWidget(self.toolbar)

        self.table = DataTable()
        self.table.setModel(self.model)
        self.table.set_column_widths(0, {1: 190, 2: 140, 3: 110, 4: 90, 5: 130})
        self.empty = EmptyState("contacts", EMPTY_TITLE, EMPTY_BODY)
        self.no_match = EmptyState("search", "No contacts match", "")

        self.card = TableCard(self.table, self.empty, self.no_match)
        self.content.addWidget(self.card, 1)
        self.content.addStretch(0)

    def refresh(self) -> None:
        self.search(self.search_field.text())

    def search(self, text: str) -> None:
        self._debounce.stop()
        self.model.set_search(text)
        matching, query = self.model.total, self.model.search
        everyone = self._count("") if query else matching
        # Nothing to search among until the first import.
        self.toolbar.setVisible(everyone > 0)
        if query:
            self.count_label.setText(
                f"{formatting.count(matching)} of {formatting.plural(everyone, 'contact')}"
            )
        else:
            self.count_label.setText(formatting.plural(everyone, "contact") if everyone else "")
        if self.model.rowCount():
            self.card.show_widget(self.table)
        elif everyone == 0:
            self.card.show_widget(self.empty)
        else:
            self.no_match.body.setText(
                f"Nobody’s email or name contains “{html.escape(query)}”. Check the "
                "spelling, or search for part of an address, such as the domain."
            )
            self.card.show_widget(self.no_match)
