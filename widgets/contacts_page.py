"""The contacts workspace: a sidebar of statuses and lists, and a table of contacts.

Contract:
- `ContactsPage(count, fetch, sources=None)`: `count`/`fetch` are what `ContactsModel`
  needs; `sources()` feeds the sidebar (`ContactsSidebar`; none: no sidebar entries).
- Typing in the search field filters by email or name after a short pause; `search(text)`
  does the same at once. Choosing a sidebar entry filters by it (the search stays);
  `show_query(query, label)` shows any filter (the canvas's "N waiting") with a label
  and a button to clear it. A header click sorts; right-click on the header chooses columns.
  The count label says how many contacts match.
- Nothing here writes: the page asks. `profile_requested(id)` (double-click or Enter),
  `add_requested()`, `import_requested()`, `export_requested(query)`,
  `bulk_requested(action, ids)` with action one of `BULK_ACTIONS` and the selected rows'
  ids. Whoever acts calls `refresh()` afterwards.
- With no contacts at all the page explains how to import them; with no match it says so.
"""

from __future__ import annotations

import html
from typing import Callable, Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QLineEdit, QMenu, QPushButton, QWidget,
)

from engine.contacts.directory import ContactQuery
from widgets import formatting
from widgets.contacts_model import COLUMNS, HIDDEN_BY_DEFAULT, ContactsModel, CountFn, FetchFn
from widgets.contacts_sidebar import ContactsSidebar
from widgets.empty_state import EmptyState
from widgets.icons import icon
from widgets.page_parts import DataTable, Page, TableCard
from widgets.table_model import ROW_ROLE

SEARCH_DELAY_MS = 250

EMPTY_TITLE = "No contacts yet"
EMPTY_BODY = (
    "Choose <b>Import…</b>, or import a CSV from a terminal with "
    "<code>trellis contacts import</code>. Each row needs an email address; names, country "
    "and lead score come along when the file has them. Your contacts will be listed here, "
    "newest first."
)

#: bulk action key → button text
BULK_ACTIONS = {
    "add_to_list": "Add to list…",
    "remove_from_list": "Remove from list",
    "unsubscribe": "Unsubscribe",
    "delete": "Delete",
}


class ContactsPage(Page):
    profile_requested = Signal(int)
    add_requested = Signal()
    import_requested = Signal()
    export_requested = Signal(object)
    bulk_requested = Signal(str, list)

    def __init__(self, count: CountFn, fetch: FetchFn,
                 sources: Callable[[], Sequence] | None = None, parent=None):
        super().__init__("Contacts", "Everyone your journeys can reach, newest first.", parent)
        self._count = count
        self.model = ContactsModel(count, fetch, parent=self)
        self.sidebar = ContactsSidebar(sources or (lambda: []))
        self.sidebar.source_chosen.connect(self._source_chosen)
        self._base = ContactQuery()  # the sidebar's (or the canvas's) filter

        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText("Search by email or name")
        self.search_field.setToolTip("Find contacts whose email address or name contains this text")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.addAction(
            icon("search", "text_faint"), QLineEdit.ActionPosition.LeadingPosition
        )
        self.search_field.setFixedWidth(300)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(lambda: self.search(self.search_field.text()))
        self.search_field.textChanged.connect(lambda _text: self._debounce.start())
        self.count_label = QLabel(objectName="countLabel")
        self.filter_label = QLabel(objectName="filterLabel")
        self.clear_filter_button = QPushButton("Show everyone")
        self.clear_filter_button.clicked.connect(lambda: self.show_query(ContactQuery(), ""))
        self.filter_label.hide()
        self.clear_filter_button.hide()
        self.add_button = QPushButton(icon("plus"), "Add contact")
        self.add_button.clicked.connect(self.add_requested)
        self.import_button = QPushButton("Import…")
        self.import_button.clicked.connect(self.import_requested)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Export the contacts shown (the current filter) to CSV")
        self.export_button.clicked.connect(lambda: self.export_requested.emit(self.model.query))
        self.toolbar = QWidget()
        toolbar = QHBoxLayout(self.toolbar)
        toolbar.setContentsMargins(0, 0, 0, 0)
        toolbar.addWidget(self.search_field)
        toolbar.addWidget(self.filter_label)
        toolbar.addWidget(self.clear_filter_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignVCenter)
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.add_button)
        row.addWidget(self.import_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        self.bulk_buttons: dict[str, QPushButton] = {}
        for action, text in BULK_ACTIONS.items():
            button = QPushButton(text)
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, a=action: self._bulk(a))
            self.bulk_buttons[action] = button
            row.addWidget(button)
        self.content.addWidget(buttons)
        self.content.addWidget(self.toolbar)

        self.table = DataTable()
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.set_column_widths(0, {1: 190, 2: 140, 3: 110, 4: 90, 5: 130, 6: 130, 7: 60})
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(5, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self.model.sort)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        for column in HIDDEN_BY_DEFAULT:
            self.table.setColumnHidden(column, True)
        self.table.doubleClicked.connect(self._open_profile)
        self.table.activated.connect(self._open_profile)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.empty = EmptyState("contacts", EMPTY_TITLE, EMPTY_BODY)
        self.no_match = EmptyState("search", "No contacts match", "")

        self.card = TableCard(self.table, self.empty, self.no_match)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.card, 1)
        self.content.addWidget(body, 1)
        self.content.addStretch(0)

    # ---- reading ---------------------------------------------------------------------

    def refresh(self) -> None:
        self.sidebar.refresh()
        self.search(self.search_field.text())

    def search(self, text: str) -> None:
        self._debounce.stop()
        if self.search_field.text() != text:
            self.search_field.blockSignals(True)  # no second search after the pause
            self.search_field.setText(text)
            self.search_field.blockSignals(False)
        self.model.set_query(self._base.with_(
            search=text.strip(), sort=self.model.query.sort,
            descending=self.model.query.descending))
        self._show_counts()

    def show_query(self, query: ContactQuery, label: str) -> None:
        """Show the contacts `query` picks (sidebar choice cleared), with `label` saying why."""
        self._base = query
        self.sidebar.clear_choice()
        self.filter_label.setText(label)
        self.filter_label.setVisible(bool(label))
        self.clear_filter_button.setVisible(bool(label))
        self.search(self.search_field.text())

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.index(row, 0).data(ROW_ROLE).id for row in rows]

    def column_visible(self, column: int) -> bool:
        return not self.table.isColumnHidden(column)

    def set_column_visible(self, column: int, visible: bool) -> None:
        self.table.setColumnHidden(column, not visible)

    # ---- internals -------------------------------------------------------------------

    def _source_chosen(self, query: ContactQuery) -> None:
        self._base = query
        self.filter_label.hide()
        self.clear_filter_button.hide()
        self.search(self.search_field.text())

    def _show_counts(self) -> None:
        matching, query = self.model.total, self.model.query
        filtered = query != ContactQuery(sort=query.sort, descending=query.descending)
        everyone = self._count(ContactQuery()) if filtered else matching
        # Nothing to search among until the first import.
        self.toolbar.setVisible(everyone > 0)
        if filtered:
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
            if query.search:
                self.no_match.body.setText(
                    f"Nobody’s email or name contains “{html.escape(query.search)}”. Check "
                    "the spelling, or search for part of an address, such as the domain."
                )
            else:
                self.no_match.body.setText("Nobody is in this list or status yet.")
            self.card.show_widget(self.no_match)

    def _selection_changed(self, *_args) -> None:
        chosen = self.table.selectionModel().hasSelection()
        for action, button in self.bulk_buttons.items():
            # Removing needs a list to remove from: the sidebar's or the canvas's filter.
            button.setEnabled(chosen and (action != "remove_from_list"
                                          or self._base.list_id is not None))

    def _bulk(self, action: str) -> None:
        ids = self.selected_ids()
        if ids:
            self.bulk_requested.emit(action, ids)

    @property
    def current_list_id(self) -> int | None:
        return self._base.list_id

    def _open_profile(self, index) -> None:
        if index.isValid():
            self.profile_requested.emit(index.data(ROW_ROLE).id)

    def _column_menu(self, point) -> None:
        menu = QMenu(self)
        for column, spec in enumerate(COLUMNS):
            if column == 0:
                continue  # the email always shows: it is what names a contact
            action = menu.addAction(spec.title)
            action.setCheckable(True)
            action.setChecked(self.column_visible(column))
            action.toggled.connect(lambda on, c=column: self.set_column_visible(c, on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(point))
