"""The canvas's Results overlay in the editor: the toggle's state, and the figures read off
the GUI thread for the journey open now.

Contract: `CanvasResults(page, database, today=utc_today)` follows the editor page's
journeys: `attach(editor, journey_id)` after a journey opened (the overlay stays on from
one journey to the next: it is the marketer's choice of view), `detach()` before it goes.
While the toggle is on it reads engine.analytics.dashboard.canvas_figures of the last
`DAYS` days (with the shop's currency on the figures) in an `app.background.SerialRead` and
hands them to the editor; an answer for a journey no longer open is dropped. `refresh()`
reads again (after engine ticks the page calls it). `shown`, `reading` and `figures` (the
last figures handed over) are for the page and tests.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QObject

from app.background import SerialRead
from app.results_flow import utc_today
from engine.db.database import Database

DAYS = 30


class CanvasResults(QObject):
    def __init__(self, page, database: Database, today=utc_today):
        super().__init__(page)
        self.database, self._today = database, today
        self.editor = None
        self.journey_id: int | None = None
        self.shown = False
        self.figures: dict | None = None
        self._reading = SerialRead(self, "trellis-canvas-results", self._answered,
                                   again=self.refresh)

    @property
    def reading(self) -> bool:
        return self._reading.is_reading()

    def attach(self, editor, journey_id: int) -> None:
        self.editor, self.journey_id, self.figures = editor, journey_id, None
        editor.results_toggled.connect(self._toggled)
        if self.shown:
            editor.show_results(True)  # reads through _toggled

    def detach(self) -> None:
        self.editor = self.journey_id = self.figures = None

    def _toggled(self, on: bool) -> None:
        self.shown = on
        if on:
            self.refresh()
        elif self.editor is not None:
            self.figures = None
            self.editor.set_results(None)

    def refresh(self) -> None:
        if not self.shown or self.journey_id is None:
            return
        journey_id, database = self.journey_id, self.database
        first = self._today() - timedelta(days=DAYS - 1)

        def work(_progress, _cancelled):
            from datetime import datetime, time, timezone

            from engine.analytics.dashboard import canvas_figures
            from engine.analytics.results import shop_currency

            start = datetime.combine(first, time(), tzinfo=timezone.utc)
            with database.session() as session:
                figures = canvas_figures(session, journey_id, start)
                currency = shop_currency(session)
            for node in figures.values():
                node["currency"] = currency
            return journey_id, figures

        self._reading.run(work)  # while one runs: once more when it is done

    def _answered(self, answer) -> None:
        journey_id, figures = answer
        if journey_id != self.journey_id or not self.shown or self.editor is None:
            return  # the journey changed or the overlay went off meanwhile
        self.figures = figures
        self.editor.set_results(figures)
