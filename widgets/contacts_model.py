"""`ContactsModel`: the contacts table, fetched a page at a time as the user scrolls.

Contract:
- `ContactsModel(count, fetch)` with `count(search) -> int` and
  `fetch(search, after_row, limit) -> rows` (newest first, the page after `after_row`, the
  last row so far, or the first page for None; rows have `id`, `email`, `name`,
  `status`, `lead_score`, `country`, `created_at`; see `app.overview`).
- `set_search(text)` / `reload()` start over with the first page; Qt's
  `canFetchMore()`/`fetchMore()` bring in the next page when the view nears the bottom,
  so 100,000 contacts cost one page of rows until someone scrolls.
- `total` is the number of matching contacts, `search` the current search text.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QModelIndex

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
]

CountFn = Callable[[str], int]
FetchFn = Callable[[str, Any | None, int], Sequence[Any]]


class ContactsModel(RowsModel):
    def __init__(self, count: CountFn, fetch: FetchFn, page_size: int = PAGE_SIZE, parent=None):
        super().__init__(COLUMNS, parent)
        self._count, self._fetch, self._page_size = count, fetch, page_size
        self.search = ""
        self.total = 0
        self._exhausted = True

    def set_search(self, text: str) -> None:
        self.search = text.strip()
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = list(self._fetch(self.search, None, self._page_size))
        # A short first page is everything: counting would only scan the table again.
        self._exhausted = len(self.rows) < self._page_size
        self.total = len(self.rows) if self._exhausted else self._count(self.search)
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        batch = list(self._fetch(self.search, self.rows[-1], self._page_size))
        self._exhausted = len(batch) < self._page_size
        if not batch:
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(batch) - 1)
        self.rows.extend(batch)
        self.endInsertRows()
