"""The Journeys page: every journey with its status, live version and who is in it now.

Contract:
- `JourneysPage(load)` where `load()` returns journey summaries with `id`, `name`,
  `status`, `live_version` (int | None), `active_contacts` and `updated_at`
  (see `app.overview.JourneySummary`); `refresh()` calls it again.
- An empty list shows an explanatory empty state instead of the table.
- `journey_open_requested(journey_id)` is emitted when a row is activated (double-click
  or Enter): the hook the journey editor (canvas) attaches to.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QLabel

from engine.db.models import JourneyStatus
from widgets import formatting
from widgets.empty_state import EmptyState
from widgets.page_parts import DataTable, Page, TableCard
from widgets.table_model import RIGHT, ROW_ROLE, Column, RowsModel

STATUS_TONES = {
    JourneyStatus.LIVE: "success",
    JourneyStatus.PAUSED: "warning",
    JourneyStatus.DRAFT: "neutral",
    JourneyStatus.ARCHIVED: "neutral",
}

COLUMNS = [
    Column("Journey", lambda j: j.name, tooltip=lambda j: j.name, emphasis=True),
    Column(
        "Status",
        lambda j: j.status.capitalize(),
        tone=lambda j: STATUS_TONES.get(j.status, "neutral"),
    ),
    Column(
        "Live version",
        lambda j: f"v{j.live_version}" if j.live_version else formatting.EMPTY,
        muted=True,
    ),
    Column("Contacts active", lambda j: formatting.count(j.active_contacts), align=RIGHT),
    Column(
        "Last edited",
        lambda j: formatting.relative(j.updated_at),
        tooltip=lambda j: formatting.timestamp(j.updated_at),
        muted=True,
    ),
]

EMPTY_TITLE = "No journeys yet — start from a proven playbook or a blank canvas"
EMPTY_BODY = (
    "A journey is a path your contacts travel on their own: a trigger such as "
    "“joined the newsletter” or “left a cart behind”, then waits, branches and emails. "
    "Once a journey is published, Trellis runs it for every contact, and this page shows "
    "who is in it right now."
)


class JourneysPage(Page):
    journey_open_requested = Signal(int)

    def __init__(self, load: Callable[[], Sequence[Any]], parent=None):
        super().__init__(
            "Journeys",
            "Automated paths for your contacts: welcome series, win-backs, abandoned carts.",
            parent,
        )
        self._load = load
        self.count_label = QLabel(objectName="countLabel")
        self.header.add_widget(self.count_label)

        self.model = RowsModel(COLUMNS, self)
        self.table = DataTable()
        self.table.setModel(self.model)
        self.table.set_column_widths(0, {1: 140, 2: 130, 3: 150, 4: 150})
        self.table.activated.connect(self._open)
        self.empty = EmptyState("journeys", EMPTY_TITLE, EMPTY_BODY)

        self.card = TableCard(self.table, self.empty)
        self.content.addWidget(self.card, 1)
        self.content.addStretch(0)

    def refresh(self) -> None:
        rows = list(self._load())
        self.model.set_rows(rows)
        self.count_label.setText(formatting.plural(len(rows), "journey") if rows else "")
        self.card.show_widget(self.table if rows else self.empty)

    def _open(self, index: QModelIndex) -> None:
        self.journey_open_requested.emit(index.data(ROW_ROLE).id)
