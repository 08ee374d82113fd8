"""The home Dashboard: how all journeys do together — KPI tiles against the previous
period, revenue by journey (chart and table), and list growth (chart and table).

Contract:
- `DashboardPage(load, today)`: `load(period)` returns the dict of
  engine.analytics.home.home_dashboard and runs on a worker thread (it must not touch
  Qt); `today()` is the day periods end on. `refresh()` (whenever the page is shown) and
  `set_period(choice)` read again, off the GUI thread; an answer to an earlier read is
  dropped. The charts (QtCharts) are made on the first answer, so building the page at
  start-up costs nothing.
- `loading`, `results` (the dict shown), `state()` ("loading", "empty", "error", "shown")
  as in widgets/results_view.py; `table(name)` ("journeys", "growth") and `chart(name)`
  ("revenue", "growth") reach the exports (CSV, PNG).
- `journey_results_requested(journey_id)`: a row of the revenue table was activated.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QGridLayout, QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget,
)

from engine.analytics.results import PERIODS, Period, period_for
from widgets.background_call import BackgroundCall
from widgets.page_parts import Card, Page

#: KPIs where a rise is bad news
LOWER_IS_BETTER = {"unsubscribe_rate", "complaint_rate"}


class DashboardPage(Page):
    journey_results_requested = Signal(int)

    def __init__(self, load: Callable[[Period], dict], today: Callable[[], date], parent=None):
        super().__init__("Dashboard", "How your journeys do together", parent)
        self._load, self._today = load, today
        self.results: dict | None = None
        self.loading = False
        self._asked = 0
        self._state = "loading"
        self._built = False
        self.tiles: dict = {}
        self.tables: dict = {}
        self.charts: dict = {}
        self.period = QComboBox()
        for key, label in PERIODS.items():
            if key != "custom":
                self.period.addItem(label, key)
        self.period.setCurrentIndex(1)  # the last 30 days
        self.period.currentIndexChanged.connect(self.refresh)
        self.header.add_widget(self.period)
        self.status = QLabel("Reading the figures…", objectName="muted")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        self.column = QWidget()
        self._column = QVBoxLayout(self.column)
        self._column.setContentsMargins(0, 0, 8, 0)
        self._column.setSpacing(16)
        self._scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
        self._scroll.setWidget(self.column)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.status)
        self.stack.addWidget(self._scroll)
        self.content.addWidget(self.stack, 1)

    def state(self) -> str:
        return self._state

    def table(self, name: str):
        return self.tables[name]

    def chart(self, name: str):
        return self.charts[name]

    def set_period(self, choice: str) -> None:
        index = self.period.findData(choice)
        if index == self.period.currentIndex():
            self.refresh()
        else:
            self.period.setCurrentIndex(index)

    # ---- reading, off the GUI thread ---------------------------------------------------------

    def refresh(self) -> None:
        period = period_for(self.period.currentData(), self._today())
        self._asked += 1
        asked = self._asked
        self.loading = True
        if self.results is None:
            self._show_status("loading", "Reading the figures…")
        call = BackgroundCall(lambda: self._load(period), self)
        call.succeeded.connect(lambda results: self._answered(asked, results))
        call.failed.connect(lambda reason: self._failed(asked, reason))
        for signal in (call.succeeded, call.failed):
            signal.connect(call.deleteLater)  # answered: one QObject less per read
        call.start()

    def _answered(self, asked: int, results: dict) -> None:
        if asked != self._asked:
            return  # a later read was asked for
        self.loading = False
        self.results = results
        label = self.period.currentText()
        self.header.subtitle.setText(label if results["period"] == "all time"
                                     else f"{label} · {results['period']}")
        if not results["has_data"]:
            return self._show_status("empty", "No data yet for this period.\nFigures appear "
                                     "once published journeys send emails.")
        self._build()
        self._show(results)
        self._state = "shown"
        self.stack.setCurrentWidget(self._scroll)

    def _failed(self, asked: int, reason: str) -> None:
        if asked == self._asked:
            self.loading = False
            self._show_status("error", f"The figures could not be read: {reason}")

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        # charts take their colours when drawn: a theme switch draws them again
        if event.type() == QEvent.Type.PaletteChange and self._state == "shown" and self.results:
            self._show(self.results)

    def _show_status(self, state: str, text: str) -> None:
        self._state = state
        self.status.setText(text)
        self.stack.setCurrentWidget(self.status)

    # ---- the sections, made on the first answer (QtCharts loads then) -----------------------

    def _card(self, title: str, subtitle: str = "") -> Card:
        card = Card()
        card.body.addWidget(QLabel(title, objectName="cardTitle"))
        if subtitle:
            words = QLabel(subtitle, objectName="muted")
            words.setWordWrap(True)
            card.body.addWidget(words)
        self._column.addWidget(card)
        return card

    def _build(self) -> None:
        if self._built:
            return
        from widgets.results_parts import ChartBox, Figure, FigureTable

        self._built = True
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        for column in range(5):
            self.grid.setColumnStretch(column, 1)  # tiles of one width
        self._card("Overview").body.addLayout(self.grid)
        card = self._card("Revenue by journey", "Orders credited to each journey's emails; "
                          "double-click a row for that journey's results.")
        self.charts["revenue"] = ChartBox("revenue-by-journey")
        self.tables["journeys"] = FigureTable([
            Figure("Journey", "journey"), Figure("Revenue", "revenue", "money"),
            Figure("Sent", "sent", "count"), Figure("Opens", "unique_opens", "count"),
            Figure("Open rate", "open_rate", "rate"), Figure("Clicks", "unique_clicks", "count"),
            Figure("Click rate", "click_rate", "rate"),
            Figure("Unsubscribe rate", "unsubscribe_rate", "rate"),
            Figure("Complaint rate", "complaint_rate", "rate")], "journeys")
        self.tables["journeys"].table.cellDoubleClicked.connect(self._journey_activated)
        # before any journey has sent: one sentence, not an empty chart and table
        self.no_journeys = QLabel("No journey has sent an email in this period yet: publish "
                                  "one and its results show here.", objectName="muted")
        self.no_journeys.setWordWrap(True)
        self.no_journeys.hide()
        card.body.addWidget(self.no_journeys)
        card.body.addWidget(self.charts["revenue"])
        card.body.addWidget(self.tables["journeys"])
        card = self._card("List growth", "New contacts and unsubscribes per day; the dashed "
                          "line is everyone on the list (right axis).")
        self.charts["growth"] = ChartBox("list-growth")
        self.tables["growth"] = FigureTable([
            Figure("Day", "day"), Figure("New contacts", "joined", "count"),
            Figure("Unsubscribed", "unsubscribed", "count"),
            Figure("Contacts", "contacts", "count")], "list-growth")
        card.body.addWidget(self.charts["growth"])
        card.body.addWidget(self.tables["growth"])
        self._column.addStretch(1)

    def _show(self, results: dict) -> None:
        from widgets.results_parts import KpiTile, bar_chart, growth_chart

        currency = results.get("currency", "USD")
        for n, kpi in enumerate(results["kpis"]):
            tile = self.tiles.get(kpi["key"])
            if tile is None:
                tile = self.tiles[kpi["key"]] = KpiTile(kpi["label"])
                self.grid.addWidget(tile, n // 5, n % 5)
            tile.set_figure(kpi["value"], kpi["previous"], kpi["kind"], currency,
                            kpi["key"] in LOWER_IS_BETTER)
        journeys = results["journeys"]
        quiet = not any(j["sent"] or j["revenue"] for j in journeys)
        self.no_journeys.setVisible(quiet)
        self.charts["revenue"].setVisible(not quiet)
        self.tables["journeys"].setVisible(not quiet)
        self.charts["revenue"].set_chart(bar_chart(
            [j["journey"] for j in journeys], [j["revenue"] for j in journeys], "Revenue",
            horizontal=True, money_currency=currency), height=max(140, 44 * len(journeys)))
        self.tables["journeys"].set_rows(journeys, currency)
        self.charts["growth"].set_chart(growth_chart(results["growth"]))
        # newest day first in the table: what changed lately is what is looked for
        self.tables["growth"].set_rows(list(reversed(results["growth"])))

    def _journey_activated(self, row: int, _column: int) -> None:
        rows = self.tables["journeys"].rows
        if 0 <= row < len(rows):
            self.journey_results_requested.emit(rows[row]["journey_id"])
