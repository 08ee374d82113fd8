"""The Journeys page: every journey with its status, live version and who is in it now.

Contract:
- `JourneysPage(load)` where `load(archived)` returns journey summaries with `id`, `name`,
  `status`, `live_version` (int | None), `active_contacts`, `updated_at`, `entered_30`,
  `conversion_rate_30`, `revenue_30`, `currency` and `warnings`
  (see `engine.journey.store.JourneySummary`) — the archived ones only when `archived`.
  `load` runs on a worker thread (`widgets.background_call.BackgroundCall`: it must not
  touch Qt). `refresh()` reads again: the rows on screen stay until the answer arrives
  (no flicker to empty), an answer overtaken by a later `refresh()` is dropped, and
  `loading` says a read is under way. Each answer shown emits `loaded(rows)`; a read
  that fails keeps the rows and says so beside the count. The "Archived" toggle in the
  header (`show_archived(bool)`) switches between the journeys in use and the archived
  ones.
- Each row has a context menu and keyboard shortcuts (table focused): Open (Enter),
  Results (Ctrl+Shift+R), Rename (F2), Duplicate (Ctrl+D), Export (Ctrl+E), Archive / Restore (Ctrl+Shift+A),
  Delete (Del; offered for drafts never published and archived journeys). Each emits
  `journey_action_requested(verb, journey_id)` with verb one of `VERBS`; the app does it
  (asking to confirm a delete) and refreshes the page.
- Columns: name (⚠ and the words in its tooltip when the journey has spike warnings),
  status, live version ("Live"), contacts active ("Active"), entered, conversion rate
  and revenue over the last 30 days (the subtitle says so), last edited. Short titles,
  each with a tooltip saying its full meaning; every column but the name is as wide as
  its title or widest cell and the name takes the rest and elides, so the window's
  default size shows them all without scrolling sideways. A click on a column's title
  sorts by it (`sort_by(title, order)` does the same); the order stays on refresh.
- An empty list shows an explanatory empty state instead of the table.
- `journey_open_requested(journey_id)` is emitted when a row is activated (double-click
  or Enter): the journey editor opens it.
- "Results" (header, enabled with a row selected) asks for the selected journey's
  Results, as its context menu does.
- "New journey" emits `new_requested()`, "Import…" emits `import_requested()` (the app
  asks for a blank or starter journey, or a file). The empty state offers both too.
- "Export CSV…" (header, shown with rows) asks for a file and writes the list as shown —
  its columns, in its current order, archived or not — with `export_csv(path)`
  (widgets/journeys_csv.py); `export_done(path, count)` is emitted after, and a file that
  cannot be written is said in a message box.
- `selected_journey_id()` is the highlighted row's journey (None without one), for
  File ▸ Export. The selection is kept across a refresh; `select_journey(id)` of a
  journey not listed yet while a read is under way selects it when the answer comes.
- First run: `set_welcome(True)` shows the `WelcomeCard` (`welcome`) in place of the
  empty state while the list is empty — "Explore the demo shop" emits `demo_requested()`,
  "Start empty" `start_empty_requested()`; `set_welcome(False)` goes back.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QMenu, QMessageBox, QPushButton

from engine.db.models import JourneyStatus
from widgets import formatting
from widgets.background_call import BackgroundCall
from widgets.empty_state import EmptyState
from widgets.icons import icon
from widgets.journeys_csv import write_journeys_csv
from widgets.page_parts import DataTable, Page, TableCard
from widgets.table_model import RIGHT, ROW_ROLE, Column, RowsModel
from widgets.welcome_card import WelcomeCard

STATUS_TONES = {
    JourneyStatus.LIVE: "success",
    JourneyStatus.PAUSED: "warning",
    JourneyStatus.DRAFT: "neutral",
    JourneyStatus.ARCHIVED: "neutral",
}

def _name(j) -> str:
    return f"{j.name}  ⚠" if getattr(j, "warnings", ()) else j.name


def _name_tooltip(j) -> str:
    return "\n".join([j.name, *getattr(j, "warnings", ())])


ENTERED_TIP = "Contacts who entered in the last 30 days"
CONVERSION_TIP = "Of those who entered in the last 30 days, the share who reached the goal"
REVENUE_TIP = "Orders credited to this journey's emails in the last 30 days"

# short titles, so the list fits the window without scrolling sideways; each title's
# tooltip says what it means in full, and the page's subtitle names the 30 days
COLUMNS = [
    Column("Journey", _name, tooltip=_name_tooltip, emphasis=True,
           sort_key=lambda j: j.name.casefold()),
    Column(
        "Status",
        lambda j: j.status.capitalize(),
        tone=lambda j: STATUS_TONES.get(j.status, "neutral"),
    ),
    Column(
        "Live",
        lambda j: f"v{j.live_version}" if j.live_version else formatting.EMPTY,
        muted=True,
        title_tooltip="The published version contacts enter now",
    ),
    Column("Active", lambda j: formatting.count(j.active_contacts), align=RIGHT,
           sort_key=lambda j: j.active_contacts,
           title_tooltip="Contacts in this journey now: on a step or waiting"),
    # the last 30 days, from the analytics rollups (docs/analytics.md)
    Column("Entered", lambda j: formatting.count(j.entered_30), align=RIGHT,
           tooltip=lambda j: ENTERED_TIP, sort_key=lambda j: j.entered_30,
           title_tooltip=ENTERED_TIP),
    Column("Conversion", lambda j: formatting.percent(j.conversion_rate_30) if j.entered_30
           else formatting.EMPTY, align=RIGHT,
           tooltip=lambda j: CONVERSION_TIP, sort_key=lambda j: j.conversion_rate_30,
           title_tooltip=CONVERSION_TIP),
    Column("Revenue", lambda j: formatting.money(j.revenue_30, j.currency), align=RIGHT,
           tooltip=lambda j: REVENUE_TIP, sort_key=lambda j: j.revenue_30,
           title_tooltip=REVENUE_TIP),
    Column(
        "Last edited",
        lambda j: formatting.relative(j.updated_at),
        tooltip=lambda j: formatting.timestamp(j.updated_at),
        muted=True,
        sort_key=lambda j: j.updated_at,
    ),
]

VERBS = ("open", "results", "rename", "duplicate", "export", "archive", "restore", "delete")
VERB_TEXTS = {
    "open": ("Open", "Return"),
    "results": ("Results", "Ctrl+Shift+R"),
    "rename": ("Rename…", "F2"),
    "duplicate": ("Duplicate", "Ctrl+D"),
    "export": ("Export…", "Ctrl+E"),
    "archive": ("Archive", "Ctrl+Shift+A"),
    "restore": ("Restore", "Ctrl+Shift+A"),
    "delete": ("Delete…", QKeySequence.StandardKey.Delete),
}
ARCHIVED_TITLE = "No archived journeys"
ARCHIVED_BODY = (
    "Archive a journey you no longer use to take it off the list without losing it: "
    "its history stays, and Restore brings it back."
)


def verbs_for(status: str, live_version: int | None) -> list[str]:
    """What can be done to a journey in this state, in menu order."""
    if status == JourneyStatus.ARCHIVED:
        return ["open", "results", "rename", "duplicate", "export", "restore", "delete"]
    verbs = ["open", "results", "rename", "duplicate", "export"]
    if status != JourneyStatus.LIVE:
        verbs.append("archive")
    if status == JourneyStatus.DRAFT and live_version is None:
        verbs.append("delete")
    return verbs


#: one line beside the header's buttons at the default window size
SUBTITLE = "Figures: the last 30 days"
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
    journey_action_requested = Signal(str, int)
    new_requested = Signal()
    import_requested = Signal()
    demo_requested = Signal()
    start_empty_requested = Signal()
    export_done = Signal(str, int)
    loaded = Signal(object)  # the rows just shown (a list): each answer to refresh()

    def __init__(self, load: Callable[[], Sequence[Any]], parent=None):
        super().__init__(
            "Journeys",
            SUBTITLE,
            parent,
        )
        self._load = load
        self.archived = False
        self.loading = False
        self._asked = 0  # reads asked for: an answer to an earlier one is dropped
        self._select_after: int | None = None  # to select once the answer lists it
        self.count_label = QLabel(objectName="countLabel")
        self.header.add_widget(self.count_label)
        self.archive_toggle = QPushButton(icon("archive"), " Archived")
        self.archive_toggle.setCheckable(True)
        self.archive_toggle.setToolTip("Show the archived journeys (and back)")
        self.archive_toggle.toggled.connect(self.show_archived)
        self.header.add_widget(self.archive_toggle)
        self.results_button = QPushButton(icon("chart"), " Results")
        self.results_button.setToolTip("Opens, clicks, conversions and revenue of the selected "
                                       "journey (Ctrl+Shift+R)")
        self.results_button.clicked.connect(lambda: self.request("results"))
        self.header.add_widget(self.results_button)
        self.export_button = QPushButton(icon("download"), " Export CSV…")
        self.export_button.setToolTip("Save this list — its columns, in this order — as a "
                                      "CSV file (rates as fractions)")
        self.export_button.clicked.connect(self._export_clicked)
        self.header.add_widget(self.export_button)
        self.new_button, self.import_button = _buttons(self.new_requested, self.import_requested)
        self.header.add_widget(self.import_button)
        self.header.add_widget(self.new_button)

        self.model = RowsModel(COLUMNS, self)
        self.table = DataTable()
        self.table.setModel(self.model)
        # the figures' columns as wide as their titles and numbers: the name takes the rest
        # and elides, so the default window shows every column without scrolling sideways
        self.table.fit_columns_to_contents(0, minimum=180)
        # a click on a column's title sorts by it (again: the other way); kept on refresh
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort)
        self.table.activated.connect(self._open)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.results_button.setEnabled(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.row_actions = self._row_actions()
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
        """Read the list again off the GUI thread; the rows shown stay until the answer."""
        self._asked += 1
        asked, archived, load = self._asked, self.archived, self._load
        self.loading = True
        call = BackgroundCall(lambda: list(load(archived)), self)
        call.succeeded.connect(lambda rows: self._answered(asked, rows))
        call.failed.connect(lambda reason: self._failed(asked, reason))
        for signal in (call.succeeded, call.failed):
            signal.connect(call.deleteLater)  # answered: one QObject less per read
        call.start()

    def _answered(self, asked: int, rows: list) -> None:
        if asked != self._asked:
            return  # a later refresh was asked for: this answer is out of date
        self.loading = False
        # kept across the reload when still listed (or the one asked for meanwhile)
        selected = self._select_after or self.selected_journey_id()
        self._select_after = None
        self.model.set_rows(rows)
        self._show(bool(rows))
        if selected is not None:
            self.select_journey(selected)
        self.loaded.emit(rows)

    def _failed(self, asked: int, reason: str) -> None:
        if asked != self._asked:
            return
        self.loading = False
        self._select_after = None
        self.count_label.setText("The list could not be read")
        self.count_label.setToolTip(reason)

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        selected = self.selected_journey_id()
        self.model.sort(column, order)
        if selected is not None:
            self.select_journey(selected)

    def sort_by(self, title: str, order: Qt.SortOrder = Qt.SortOrder.DescendingOrder) -> None:
        """Sort the list by the column titled `title` (a click on its header does it too)."""
        column = [c.title for c in COLUMNS].index(title)
        self.table.horizontalHeader().setSortIndicator(column, order)

    def export_csv(self, path) -> int:
        """Write the list as shown (its order, archived or not) to `path` as CSV."""
        count = write_journeys_csv(path, self.model.rows)
        self.export_done.emit(str(path), count)
        return count

    def _export_clicked(self) -> None:
        name = "archived-journeys.csv" if self.archived else "journeys.csv"
        chosen, _ = QFileDialog.getSaveFileName(self, "Export the journeys list", name,
                                                "CSV files (*.csv)")
        if not chosen:
            return
        try:
            self.export_csv(chosen)
        except OSError as error:  # a folder without write access, a full disk…
            QMessageBox.warning(self, "Export the journeys list",
                                f"Could not write {chosen}: {error.strerror or error}. "
                                "Nothing was written.")

    def show_archived(self, archived: bool) -> None:
        """Switch the list to the archived journeys (True) or back."""
        self.archived = archived
        if self.archive_toggle.isChecked() != archived:
            self.archive_toggle.setChecked(archived)  # calls back once, with the same value
            return
        self.refresh()

    def select_journey(self, journey_id: int) -> bool:
        """Select the journey's row; False when it is not listed (while a read is under
        way it is selected when the answer lists it)."""
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if index.data(ROW_ROLE).id == journey_id:
                self.table.setCurrentIndex(index)
                self.table.selectRow(row)
                return True
        if self.loading:
            self._select_after = journey_id
        return False

    # ---- the verbs on a row ----------------------------------------------------------------

    def _row_actions(self) -> dict[str, QAction]:
        actions = {}
        for verb in VERBS:
            text, shortcut = VERB_TEXTS[verb]
            action = QAction(text, self.table)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, verb=verb: self.request(verb))
            if verb != "open":  # Enter already opens (the table's activated signal)
                self.table.addAction(action)
            actions[verb] = action
        return actions

    def selected_row(self):
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def request(self, verb: str) -> bool:
        """Ask the app to do `verb` to the selected journey (when it allows it)."""
        row = self.selected_row()
        if verb == "archive" and row is not None and row.status == JourneyStatus.ARCHIVED:
            verb = "restore"  # one shortcut toggles
        elif verb == "restore" and row is not None and row.status != JourneyStatus.ARCHIVED:
            verb = "archive"
        if row is None or verb not in verbs_for(row.status, row.live_version):
            return False
        self.journey_action_requested.emit(verb, row.id)
        return True

    def context_menu_for(self, row) -> QMenu:
        menu = QMenu(self)
        allowed = verbs_for(row.status, row.live_version)
        for verb in VERBS:
            if verb in ("archive", "restore") and verb not in allowed:
                continue
            if verb == "delete":
                menu.addSeparator()
            action = self.row_actions[verb]
            action.setEnabled(verb in allowed)
            menu.addAction(action)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        menu = self.context_menu_for(index.data(ROW_ROLE))
        menu.exec(self.table.viewport().mapToGlobal(pos))
        for action in self.row_actions.values():
            action.setEnabled(True)  # the shortcuts check the row themselves

    def _selection_changed(self, *_args) -> None:
        self.results_button.setEnabled(self.selected_journey_id() is not None)

    def _show(self, has_rows: bool) -> None:
        rows = self.model.rowCount()
        noun = "archived journey" if self.archived else "journey"
        self.count_label.setText(formatting.plural(rows, noun) if has_rows else "")
        self.count_label.setToolTip("")
        self.empty.set_text(*((ARCHIVED_TITLE, ARCHIVED_BODY) if self.archived
                              else (EMPTY_TITLE, EMPTY_BODY)))
        empty = self.welcome if self._welcome and not self.archived else self.empty
        # an empty database being welcomed has nothing archived either
        self.archive_toggle.setVisible(not (self._welcome and not has_rows and not self.archived))
        self.card.show_widget(self.table if has_rows else empty)
        # an empty list offers the same two buttons in its empty state
        self.new_button.setVisible(has_rows)
        self.import_button.setVisible(has_rows)
        self.results_button.setVisible(has_rows)
        self.export_button.setVisible(has_rows)

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
