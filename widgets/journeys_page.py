"""The Journeys page: every journey with its status, live version and who is in it now.

Contract:
- `JourneysPage(load)` where `load()` returns journey summaries with `id`, `name`,
  `status`, `live_version` (int | None), `active_contacts` and `updated_at`
  (see `app.overview.JourneySummary`); `refresh()` calls it again.
- An empty list shows an explanatory empty state instead of the table.
- `journey_open_requested(journey_id)` is emitted when a row is activated (double-click
  or Enter): the journey editor opens it.
- "New journey" emits `new_requested()`, "Import…" emits `import_requested()` (the app
  asks for a blank or starter journey, or a file). The empty state offers both too.
- `selected_journey_id()` is the highlighted row's journey (None without one), for
  File ▸ Export.
- First run: `set_welcome(True)` shows the `WelcomeCard` (`welcome`) in place of the
  empty state while the list is empty — "Explore the demo shop" emits `demo_requested()`,
  "Start empty" `start_empty_requested()`; `set_welcome(False)` goes back.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from engine.db.models import JourneyStatus
from widgets import formatting
from widgets.empty_state import EmptyState
from widgets.icons import icon
from widgets.page_parts import DataTable, Page, TableCard
from widgets.table_model import RIGHT, ROW_ROLE, Column, RowsModel
from widgets.welcome_card import WelcomeCard

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


def _buttons(on_new, on_import) -> tuple[QPushButton, QPushButton]:
    new = QPushButton(icon("plus", "on_accent"), " New journey")
    new.setProperty("primary", True)
    new.setToolTip("Start from a blank canvas or a proven starter journey (Ctrl+N)")
    new.clicked.connect(on_new)
    imported = QPushButton(icon("folder"), " Import…")
    imported.setToolTip("Open a .journey.json file (you can also drop one on the window)")
    imported.clicked.connect(on_import)
    return new, imported


class JourneysPage(Page):
    journey_open_requested = Signal(int)
    new_requested = Signal()
    import_requested = Signal()
    demo_requested = Signal()
    start_empty_requested = Signal()

    def __init__(self, load: Callable[[], Sequence[Any]], parent=None):
        super().__init__(
            "Journeys",
            "Automated paths for your contacts: welcome series, win-backs, abandoned carts.",
            parent,
        )
        self._load = load
        self.count_label = QLabel(objectName="countLabel")
        self.header.add_widget(self.count_label)
        self.new_button, self.import_button = _buttons(self.new_requested, self.import_requested)
        self.header.add_widget(self.import_button)
        self.header.add_widget(self.new_button)

        self.model = RowsModel(COLUMNS, self)
        self.table = DataTable()
        self.table.setModel(self.model)
        self.table.set_column_widths(0, {1: 140, 2: 130, 3: 150, 4: 150})
        self.table.activated.connect(self._open)
        self.empty = EmptyState("journeys", EMPTY_TITLE, EMPTY_BODY)
        # below the explanation, above the bottom stretch (see EmptyState's layout)
        self.empty.layout().insertLayout(2, self._empty_actions())

        self.welcome = WelcomeCard()
        self.welcome.explore_requested.connect(self.demo_requested)
        self.welcome.start_empty_requested.connect(self.start_empty_requested)
        self._welcome = False

        self.card = TableCard(self.table, self.empty, self.welcome)
        self.content.addWidget(self.card, 1)
        self.content.addStretch(0)

    def refresh(self) -> None:
        rows = list(self._load())
        self.model.set_rows(rows)
        self._show(bool(rows))

    def _show(self, has_rows: bool) -> None:
        rows = self.model.rowCount()
        self.count_label.setText(formatting.plural(rows, "journey") if has_rows else "")
        empty = self.welcome if self._welcome else self.empty
        self.card.show_widget(self.table if has_rows else empty)
        # an empty list offers the same two buttons in its empty state
        self.new_button.setVisible(has_rows)
        self.import_button.setVisible(has_rows)

    def set_welcome(self, shown: bool) -> None:
        """Offer the demo shop or an empty start (first run) while the list is empty."""
        self._welcome = shown
        if not shown:
            self.welcome.set_busy(None)
        self._show(self.model.rowCount() > 0)

    def welcome_shown(self) -> bool:
        return self.card.current_widget() is self.welcome

    def _empty_actions(self) -> QHBoxLayout:
        new, imported = _buttons(self.new_requested, self.import_requested)
        row = QHBoxLayout()
        row.setContentsMargins(0, 24, 0, 0)
        row.addStretch(1)
        row.addWidget(imported)
        row.addWidget(new)
        row.addStretch(1)
        return row

    def selected_journey_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE).id if rows else None

    def _open(self, index: QModelIndex) -> None:
        self.journey_open_requested.emit(index.data(ROW_ROLE).id)
