"""The sections of a journey's Results view, in the order they are shown.

Contract: `SECTIONS` is a list of factories (no arguments) of `Section`s; the view makes
one of each and hands every result to all of them (`show_results(results)`, the dict of
engine.reports.results_view.journey_results). One more section is one more line, e.g.
`TableSection("Experiments", "experiments", COLUMNS, lambda r: r["report"].get("experiments", []))`.
A section keeps its tables (`tables`, name → FigureTable) and charts (`charts`, name →
ChartBox), so the view and tests reach every export. Sections never read the database.
"""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtWidgets import QGridLayout, QLabel

from widgets.experiment_results import ExperimentsSection
from widgets.page_parts import Card
from widgets.results_parts import (
    ChartBox, Figure, FigureTable, KpiTile, bar_chart, daily_chart,
)

#: KPIs where a rise is bad news
LOWER_IS_BETTER = {"unsubscribe_rate"}


class Section(Card):
    title = ""
    subtitle = ""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heading = QLabel(self.title, objectName="cardTitle")
        self.body.addWidget(self.heading)
        if self.subtitle:
            words = QLabel(self.subtitle, objectName="muted")
            words.setWordWrap(True)
            self.body.addWidget(words)
        self.tables: dict[str, FigureTable] = {}
        self.charts: dict[str, ChartBox] = {}

    def show_results(self, results: dict) -> None:
        raise NotImplementedError


class KpiSection(Section):
    title = "Overview"
    COLUMNS = 4

    def __init__(self, parent=None):
        super().__init__(parent)
        self.notes = QLabel(objectName="resultsNote")
        self.notes.setWordWrap(True)
        self.notes.hide()
        self.body.addWidget(self.notes)
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        for column in range(self.COLUMNS):
            self.grid.setColumnStretch(column, 1)  # tiles of one width
        self.body.addLayout(self.grid)
        self.tiles: dict[str, KpiTile] = {}

    def show_results(self, results: dict) -> None:
        currency = results.get("currency", "USD")
        for n, kpi in enumerate(results["kpis"]):
            tile = self.tiles.get(kpi["key"])
            if tile is None:
                tile = self.tiles[kpi["key"]] = KpiTile(kpi["label"])
                self.grid.addWidget(tile, n // self.COLUMNS, n % self.COLUMNS)
            tile.set_figure(kpi["value"], kpi["previous"], kpi["kind"], currency,
                            kpi["key"] in LOWER_IS_BETTER)
        notes = [*results.get("spikes", [])]
        if results.get("tracking_note"):
            note = results["tracking_note"]
            notes.append(note[:1].upper() + note[1:])
        self.notes.setText("\n".join(f"⚠ {n}" for n in notes))
        self.notes.setVisible(bool(notes))


class DailySection(Section):
    title = "Day by day"
    subtitle = "Click a name in the legend to hide or show its line. Revenue: dashed, right axis."

    def __init__(self, parent=None):
        super().__init__(parent)
        self.charts["daily"] = ChartBox("daily")
        self.body.addWidget(self.charts["daily"])

    def show_results(self, results: dict) -> None:
        self.charts["daily"].set_chart(daily_chart(results["daily"], results.get("currency", "USD")))


class FunnelSection(Section):
    title = "Funnel of the main path"
    subtitle = ("From the trigger, the path most contacts took at every fork: how many "
                "reached each step, and how many of the step before did not.")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.charts["funnel"] = ChartBox("funnel")
        self.tables["funnel"] = FigureTable([
            Figure("Step", "title"), Figure("Reached", "reached", "count"),
            Figure("Drop-off from the step before", "drop_off", "rate"),
            Figure("Dropped here", "dropped", "count")], "funnel")
        self.body.addWidget(self.charts["funnel"])
        self.body.addWidget(self.tables["funnel"])

    def show_results(self, results: dict) -> None:
        rows = results["funnel"]
        self.charts["funnel"].set_chart(bar_chart(
            [r["title"] for r in rows], [r["reached"] for r in rows], "Reached",
            horizontal=True), height=max(160, 46 * len(rows)))
        self.tables["funnel"].set_rows(rows)


class TableSection(Section):
    """One table of rows picked from the results (`rows(results) -> [dict]`)."""

    def __init__(self, title: str, name: str, columns: Sequence[Figure],
                 rows: Callable[[dict], list[dict]], subtitle: str = "", parent=None):
        self.title, self.subtitle = title, subtitle
        super().__init__(parent)
        self._rows = rows
        self.empty = QLabel("Nothing in this period.", objectName="muted")
        self.tables[name] = FigureTable(columns, name)
        self.body.addWidget(self.empty)
        self.body.addWidget(self.tables[name])

    def show_results(self, results: dict) -> None:
        rows = self._rows(results)
        for table in self.tables.values():
            table.set_rows(rows, results.get("currency", "USD"))
            table.setVisible(bool(rows))
        self.empty.setVisible(not rows)


def _titled(results: dict, rows: list[dict]) -> list[dict]:
    titles = results.get("titles", {})
    return [{**row, "title": titles.get(row["step"], row["step"])} for row in rows]


def _emails(results: dict) -> list[dict]:
    return [{**row, "revenue_per_recipient": round(row["revenue"] / row["delivered"], 2)
             if row["delivered"] else 0.0}
            for row in _titled(results, results["report"]["emails"])]


EMAILS = [Figure("Email step", "title"), Figure("Template", "template"),
          Figure("Sent", "sent", "count"), Figure("Delivered", "delivered", "count"),
          Figure("Bounced", "bounced", "count"), Figure("Opens", "unique_opens", "count"),
          Figure("Open rate", "open_rate", "rate"), Figure("Clicks", "unique_clicks", "count"),
          Figure("Click rate", "click_rate", "rate"),
          Figure("Click-to-open", "click_to_open", "rate"),
          Figure("Unsubscribes", "unsubscribes", "count"),
          Figure("Complaints", "complaints", "count"), Figure("Revenue", "revenue", "money"),
          Figure("Revenue / recipient", "revenue_per_recipient", "money"),
          Figure("Sent untracked", "untracked", "count")]
PATHS = [Figure("Fork", "title"), Figure("Path", "port"), Figure("Took it", "entered", "count"),
         Figure("Converted", "converted", "count"),
         Figure("Conversion rate", "conversion_rate", "rate"), Figure("Revenue", "revenue", "money")]
STEPS = [Figure("Step", "title"), Figure("Reached", "reached", "count"),
         Figure("Passed on", "passed", "count"), Figure("Waiting now", "waiting", "count"),
         Figure("Dropped here", "dropped", "count")]
COHORTS = [Figure("Week of entry", "week", "week"), Figure("Entered", "entrants", "count"),
           Figure("Ordered within 30 days", "rate_30", "rate"),
           Figure("60 days", "rate_60", "rate"), Figure("90 days", "rate_90", "rate"),
           Figure("Revenue per entrant", "revenue_per_entrant", "money")]

class ExperimentSection(Section):
    """The journey's A/B tests (winner, each variant with its interval) and its holdout
    (widgets/experiment_results.py), from `results["experiments"]`."""
    title = "Experiments"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.content = ExperimentsSection()
        self.content.heading.hide()  # the card says it
        self.body.addWidget(self.content)

    def show_results(self, results: dict) -> None:
        self.content.set_report(results.get("experiments") or {})


SECTIONS: list[Callable[[], Section]] = [
    KpiSection,
    DailySection,
    FunnelSection,
    lambda: TableSection("Emails", "emails", EMAILS, _emails,
                         "Rates over delivered emails; revenue of orders credited to each email."),
    lambda: TableSection("Paths compared", "paths", PATHS,
                         lambda r: _titled(r, r["report"]["paths"]),
                         "Each path of a branch, split or wait: who took it and who of them "
                         "converted later."),
    ExperimentSection,
    lambda: TableSection("Steps", "steps", STEPS, lambda r: _titled(r, r["report"]["steps"])),
    lambda: TableSection("Cohorts by week of entry", "cohorts", COHORTS,
                         lambda r: r["cohorts"],
                         "Who ordered again within 30, 60 and 90 days of entering."),
]
