"""The Results view in the window: made on first use, fed from the database off the GUI
thread, reached from the journeys list and the editor.

Contract: `results_loader(database, today)` returns the `load(journey_id, period)` the
view runs on a worker thread: it brings the rollups up to date (the catch-up; a database
opened read-only is read as it is) and reads engine.reports.results_view.journey_results;
`dashboard_loader(database, today)` the `load(period)` of the Dashboard page
(engine.analytics.home.home_dashboard), the same way.
`ResultsWindowParts` (a MainWindow mix-in) adds `results_view` (made on first use, the
page "results") and `show_results(journey_id)`, whose Back returns to the page it came
from and whose "Edit journey" opens the journey in the editor.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from typing import Callable

from engine.db.database import Database

log = logging.getLogger("trellis.app")


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


def _caught_up(database: Database) -> None:
    from engine.analytics.catchup import catch_up

    try:
        catch_up(database)
    except Exception as error:  # noqa: BLE001 — read-only or busy: show what is there
        log.warning("analytics catch-up before reading results failed: %s", error)


def results_loader(database: Database, today: Callable[[], date] = utc_today):
    def load(journey_id: int, period):
        from engine.reports.results_view import journey_results

        _caught_up(database)
        with database.session() as session:
            return journey_results(session, journey_id, period, today())
    return load


def dashboard_loader(database: Database, today: Callable[[], date] = utc_today):
    def load(period):
        from engine.analytics.home import home_dashboard

        _caught_up(database)
        with database.session() as session:
            return home_dashboard(session, period, today())
    return load


class ResultsWindowParts:
    """Mixed into MainWindow: the Results page."""

    _results_view = None
    _results_from = "journeys"

    @property
    def results_view(self):
        if self._results_view is None:
            from widgets.results_view import ResultsView

            view = ResultsView(results_loader(self._db), utc_today)
            view.back_requested.connect(lambda: self.show_page(self._results_from))
            view.edit_requested.connect(lambda journey_id: self.journeys.open_journey(journey_id))
            self._results_view = view
            self.add_page("results", view)
        return self._results_view

    def show_results(self, journey_id: int) -> None:
        """The Results of one journey; Back returns to the page shown now."""
        from engine.journey.drafts import journey_info

        with self._db.session() as session:
            name = journey_info(session, journey_id).name
        current = self.current_page()
        if current != "results":
            self._results_from = current
        view = self.results_view
        view.show_journey(journey_id, name)
        self.stack.setCurrentWidget(view)
        self._current = "results"
        self.fold_nav()
        self.nav.set_current("journeys")
        self._update_actions()
