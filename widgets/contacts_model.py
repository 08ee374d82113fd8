"""`ContactsModel`: the contacts table, fetched a page at a time as the user scrolls.

Contract:
- `ContactsModel(count, fetch)` with `count(query) -> int` and
  `fetch(query, offset, limit) -> rows` where `query` is an
  `engine.contacts.directory.ContactQuery` (search, list, status, waiting at a step, sort)
  and rows are `ContactRow`s (`id`, `email`, `name`, `status`, `lead_score`, `country`,
  `created_at`, `last_activity_at`, `is_test`).
- `set_query(query)` / `set_search(text)` / `reload()` start over with the first page;
  Qt's `canFetchMore()`/`fetchMore()` bring in the next page when the view nears the bottom,
  so 100,000 contacts cost one page of rows until someone scrolls.
- `sort(column, order)` (a header click) sorts in the database by that column's key.
- `total` is the number of matching contacts, `search` the current search text.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QModelIndex, Qt

from engine.contacts.directory import ContactQuery
from engine.db.models import ContactStatus
from widgets import formatting
from widgets.table_model import RIGHT, Column, Index, RowsModel

PAGE_SIZE = 200

STATUS_TONES = {
    ContactStatus.ACTIVE: "success",
    ContactStatus.UNSUBSCRIBED: "neutral",
    ContactStatus.INACTIVE: "neutral",
    ContactStatus.BOUNCED: "danger",
    ContactStatus.COMPLAINED: "warning",
}

COLUMNS = [
    Column("Email", lambda c: c.email, tooltip=lambda c: c.email),
    Column("Name", lambda c: c.name or formatting.EMPTY),
    Column(
        "Status",
        lambda c: c.status.capitalize(),
        tone=lambda c: STATUS_TONES.get(c.status, "neutral"),
    ),
    Column("Lead score", lambda c: formatting.count(c.lead_score), align=RIGHT),
    Column("Country", lambda c: c.country or formatting.EMPTY, muted=True),
    Column(
        "Created",
        lambda c: formatting.date(c.created_at),
        tooltip=lambda c: formatting.timestamp(c.created_at),
        muted=True,
    ),
    Column(
        "Last activity",
        lambda c: formatting.date(c.last_activity_at) if getattr(c, "last_activity_at", None)
        else formatting.EMPTY,
        muted=True,
    ),
    Column("Test", lambda c: "Test" if getattr(c, "is_test", False) else "", muted=True),
]
#: the sort key of each column (None: not sortable)
SORT_KEYS = ["email", "first_name", "status", "lead_score", "country", "created_at",
             "last_activity_at", None]
#: columns hidden until chosen
HIDDEN_BY_DEFAULT = (6, 7)

CountFn = Callable[[ContactQuery], int]
FetchFn = Callable[[ContactQuery, int, int], Sequence[Any]]


class ContactsModel(RowsModel):
    def __init__(self, count: CountFn, fetch: FetchFn, page_size: int = PAGE_SIZE, parent=None):
        super().__init__(COLUMNS, parent)
        self._count, self._fetch, self._page_size = count, fetch, page_size
        self.query = ContactQuery()
        self.total = 0
        self._exhausted = True

    @property
    def search(self) -> str:
        return self.query.search

    def set_search(self, text: str) -> None:
        self.set_query(self.query.with_(search=text.strip()))

    def set_query(self, query: ContactQuery) -> None:
        self.query = query
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else None
        if key is None:
            return
        self.set_query(self.query.with_(
            sort=key, descending=order == Qt.SortOrder.DescendingOrder))

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = list(self._fetch(self.query, 0, self._page_size))
        # A short first page is everything: counting would only scan the table again.
        self._exhausted = len(self.rows) < self._page_size
        self.total = len(self.rows) if self._exhausted else self._count(self.query)
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        batch = list(self._fetch(self.query, len(self.rows), self._page_size))
        self._exhausted = len(batch) < self._page_size
        if not batch:
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(batch) - 1)
        self.rows.extend(batch)
        self.endInsertRows()
