"""A journey's Results: KPIs against the previous period, a daily chart, the funnel, and
tables per email, path, step and cohort (widgets/results_sections.py), for a period.

Contract:
- `ResultsView(load, today)`: `load(journey_id, period)` returns the dict of
  engine.reports.results_view.journey_results (it runs on a worker thread: it must not touch
  Qt); `today()` is the day periods end on.
- `show_journey(journey_id, name)` shows that journey (its name at once, figures when
  read); `set_period(choice, first=None, last=None)` with a choice of
  engine.analytics.results.PERIODS reads again. Reads run off the GUI thread: the view
  stays responsive; an answer that arrives for an earlier journey or period is dropped,
  so the figures on screen are always those of the journey and period shown.
- `loading` is True while a read runs; `results` is the dict on screen (None before);
  `state()` is "loading", "empty" ("No data yet" for the period), "error" or "shown".
- Intents: `back_requested()`, `edit_requested(journey_id)`.
- `sections` are the Section objects; `table(name)` and `chart(name)` reach their exports.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QLabel, QPushButton, QScrollArea, QStackedWidget, QVBoxLayout, QWidget,
)

from engine.analytics.results import PERIODS, Period, period_for
from widgets.background_call import BackgroundCall
from widgets.icons import icon
from widgets.page_parts import Page
from widgets.results_sections import SECTIONS


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ResultsView(Page):
    back_requested = Signal()
    edit_requested = Signal(int)

    def __init__(self, load: Callable[[int, Period], dict], today: Callable[[], date],
                 parent=None):
        super().__init__("Results", "", parent)
        self.setObjectName("resultsView")
        self._load, self._today = load, today
        self.journey_id: int | None = None
        self.results: dict | None = None
        self.loading = False
        self._asked = 0  # the number of the latest read; older answers are dropped
        self._calls: list[BackgroundCall] = []
        self._state = "loading"

        self.back = QPushButton(icon("journeys"), " Back", objectName="flatButton")
        self.back.clicked.connect(self.back_requested)
        self.edit = QPushButton(icon("pencil"), " Edit journey")
        self.edit.clicked.connect(lambda: self.journey_id is not None
                                  and self.edit_requested.emit(self.journey_id))
        self.period = QComboBox()
        for key, label in PERIODS.items():
            self.period.addItem(label, key)
        self.period.setCurrentIndex(list(PERIODS).index("30"))
        self.period.currentIndexChanged.connect(self._period_changed)
        self.first, self.last = QDateEdit(calendarPopup=True), QDateEdit(calendarPopup=True)
        for edit in (self.first, self.last):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.hide()
        self._custom_dates = False  # the custom days were chosen (else: the last 30 days)
        for edit in (self.first, self.last):
            edit.userDateChanged.connect(lambda _d: setattr(self, "_custom_dates", True))
        self.apply = QPushButton("Show")
        self.apply.clicked.connect(self._custom_applied)
        self.apply.hide()
        for widget in (self.period, self.first, self.last, self.apply, self.edit, self.back):
            self.header.add_widget(widget)

        self.status = QLabel(objectName="muted")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        self.sections = [make() for make in SECTIONS]
        column = QWidget()
        stack_layout = QVBoxLayout(column)
        stack_layout.setContentsMargins(0, 0, 8, 0)
        stack_layout.setSpacing(16)
        for section in self.sections:
            stack_layout.addWidget(section)
        stack_layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
        scroll.setWidget(column)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.status)
        self.stack.addWidget(scroll)
        self._scroll = scroll
        self.content.addWidget(self.stack, 1)

    # ---- what is shown ---------------------------------------------------------------------

    def refresh(self) -> None:
        if self.journey_id is not None:
            self._read()

    def show_journey(self, journey_id: int, name: str = "") -> None:
        self.journey_id = journey_id
        self.header.title.setText(f"Results · {name}" if name else "Results")
        self.results = None
        self._read()

    def current_period(self) -> Period:
        choice = self.period.currentData()
        if choice == "custom":
            first, last = self.first.date().toPython(), self.last.date().toPython()
            return period_for("custom", self._today(), first, last)
        return period_for(choice, self._today())

    def set_period(self, choice: str, first: date | None = None, last: date | None = None) -> None:
        if first is not None or last is not None:
            self._custom_dates = True
        if first is not None:
            self.first.setDate(_qdate(first))
        if last is not None:
            self.last.setDate(_qdate(last))
        index = list(PERIODS).index(choice)
        if index == self.period.currentIndex():
            self._read()
        else:
            self.period.setCurrentIndex(index)  # reads through _period_changed

    def state(self) -> str:
        return self._state

    def table(self, name: str):
        return next(s.tables[name] for s in self.sections if name in s.tables)

    def chart(self, name: str):
        return next(s.charts[name] for s in self.sections if name in s.charts)

    # ---- reading, off the GUI thread --------------------------------------------------------

    def _period_changed(self) -> None:
        custom = self.period.currentData() == "custom"
        for widget in (self.first, self.last, self.apply):
            widget.setVisible(custom)
        if custom and not self._custom_dates:
            # first time: the last 30 days, for the marketer to move from
            today = self._today()
            self.first.setDate(_qdate(today).addDays(-29))
            self.last.setDate(_qdate(today))
        self._read()

    def _custom_applied(self) -> None:
        self._read()

    def _read(self) -> None:
        if self.journey_id is None:
            return
        try:
            period = self.current_period()
        except ValueError as error:
            return self._show_status("error", str(error)[:1].upper() + str(error)[1:])
        self._asked += 1
        asked, journey_id = self._asked, self.journey_id
        self.loading = True
        if self.results is None or self.results.get("journey_id") != journey_id:
            self._show_status("loading", "Reading the figures…")
        self.header.subtitle.setText(f"Reading {period.words()}…")
        call = BackgroundCall(lambda: self._load(journey_id, period), self)
        call.succeeded.connect(lambda results: self._answered(asked, results))
        call.failed.connect(lambda reason: self._failed(asked, reason))
        self._calls.append(call)
        call.start()

    def _done(self, asked: int) -> bool:
        for call in self._calls:
            if not call.running:
                call.deleteLater()  # answered: one QObject less per read
        self._calls = [c for c in self._calls if c.running]
        if asked != self._asked:
            return False  # a later read was asked for: this answer is out of date
        self.loading = False
        return True

    def _answered(self, asked: int, results: dict) -> None:
        if not self._done(asked):
            return
        self.results = results
        self.header.title.setText(f"Results · {results['journey']}")
        label = self.period.currentText().rstrip("…")
        self.header.subtitle.setText(label if results["period"] == "all time"
                                     else f"{label} · {results['period']}")
        if not results["has_data"]:
            return self._show_status("empty", "No data yet for this period.\nResults appear "
                                     "once contacts enter the published journey.")
        for section in self.sections:
            section.show_results(results)
        self._state = "shown"
        self.stack.setCurrentWidget(self._scroll)

    def _failed(self, asked: int, reason: str) -> None:
        if self._done(asked):
            self._show_status("error", f"The figures could not be read: {reason}")

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        # charts take their colours when drawn: a theme switch draws them again
        if event.type() == QEvent.Type.PaletteChange and self._state == "shown" and self.results:
            for section in self.sections:
                section.show_results(self.results)

    def _show_status(self, state: str, text: str) -> None:
        self._state = state
        self.status.setText(text)
        self.stack.setCurrentWidget(self.status)
