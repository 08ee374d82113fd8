"""A/B test results and the holdout comparison, drawn from the report's JSON.

Contract (plain dicts in the `report --json` shape, docs/experiments.md; no database):
- `ExperimentResults(compact=False)`: one test (compact: the inspector's four columns). `set_experiment(experiment | None)` shows the winner
  banner ("Coupon wins", when and what happens next) or where the test stands (contacts per
  variant against the minimum), a table (variant, contacts, successes, rate, chance to be
  best, uplift with its 95 % interval) and `IntervalBars` (each variant's rate with its
  95 % interval as a whisker; the winner in the success colour). None clears it.
- `ExperimentsSection()`: the Results view's section. `set_report(report)` lists every
  test of `report["experiments"]` and the holdout of `report["holdout"]` (both rates, the
  lift with its interval, revenue per contact, 30/60/90-day repeat purchase); a journey
  with neither says so. Self-contained: the view adds it with one line.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QSizePolicy,
    QFrame,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from widgets.tokens import color

METRIC_WORDS = {"conversion": "converted", "click": "clicked", "open": "opened",
                "revenue": "revenue per contact"}
COLUMNS = ("Variant", "Contacts", "Successes", "Rate", "Best", "Uplift (95 %)")
HEADER_TIPS = ("", "Contacts who took this variant so far", "Those of them who succeeded",
               "Successes per contact", "The chance that this variant is the best",
               "Against the first variant, with its 95 % interval")
#: the narrow inspector's columns (indexes into COLUMNS); the rest is in each row's tooltip
COMPACT = (0, 1, 3, 4)
COMPACT_TITLES = ("Variant", "Contacts", "Rate", "Best")


def _percent(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value * 100:{'+' if signed else ''}.1f} %"
    return text


def _points(value: float) -> str:
    """A difference of rates, in percentage points."""
    return f"{value * 100:+.1f} pts"


def _rate(value: float | None, metric: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}" if metric == "revenue" else _percent(value)


def _when(text: str | None) -> str:
    if not text:
        return ""
    moment = datetime.fromisoformat(text)
    return f"{moment:%b} {moment.day}, {moment:%H:%M}"


class IntervalBars(QWidget):
    """One row per variant: its rate as a bar, its 95 % interval as a whisker."""

    ROW = 26

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[tuple[str, float, float | None, float | None, bool]] = []
        self.setObjectName("intervalBars")

    def set_rows(self, rows: list[tuple[str, float, float | None, float | None, bool]]) -> None:
        """[(label, rate, low, high, winner)]."""
        self.rows = list(rows)
        self.setFixedHeight(self.ROW * len(self.rows) + 8 if self.rows else 0)
        self.update()

    def paintEvent(self, _event) -> None:
        if not self.rows:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_width = 90
        width = max(40, self.width() - label_width - 12)
        top = max(max(r[1], r[3] or 0) for r in self.rows) or 1.0
        for index, (label, rate, low, high, winner) in enumerate(self.rows):
            y = 4 + index * self.ROW
            painter.setPen(color("text"))
            painter.drawText(QRectF(0, y, label_width - 6, self.ROW - 6),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, label)
            fill = color("success" if winner else "accent")
            fill.setAlpha(170)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(label_width, y + 4, width * rate / top, self.ROW - 14), 3, 3)
            if low is not None and high is not None:
                pen = QPen(color("text_muted"), 1.5)
                painter.setPen(pen)
                mid = y + 4 + (self.ROW - 14) / 2
                x1, x2 = label_width + width * low / top, label_width + width * high / top
                painter.drawLine(int(x1), int(mid), int(x2), int(mid))
                painter.drawLine(int(x1), int(mid - 5), int(x1), int(mid + 5))
                painter.drawLine(int(x2), int(mid - 5), int(x2), int(mid + 5))


class ExperimentResults(QWidget):
    """`compact=True` (the inspector): four columns that fit a side panel — variant,
    contacts, rate, chance to be best; successes and the uplift with its interval are in
    the row's tooltip."""

    def __init__(self, parent=None, compact: bool = False):
        super().__init__(parent)
        self.setObjectName("experimentResults")
        self.compact = compact
        self.columns = COMPACT if compact else tuple(range(len(COLUMNS)))
        self.experiment: dict | None = None
        self.title = QLabel(objectName="fieldLabel")
        self.banner = QLabel(objectName="experimentBanner")
        self.banner.setWordWrap(True)
        self.status = QLabel(objectName="muted")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels(COMPACT_TITLES if compact else COLUMNS)
        for column, source in enumerate(self.columns):
            self.table.horizontalHeaderItem(column).setToolTip(HEADER_TIPS[source])
        self.table.verticalHeader().hide()
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # the panel's width decides, not the table's contents
        self.table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.bars_size = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setFrameShape(QFrame.Shape.NoFrame)
        self.bars = IntervalBars()
        self.bars.setSizePolicy(self.bars_size)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for widget in (self.title, self.banner, self.status, self.table, self.bars):
            layout.addWidget(widget)
        self.set_experiment(None)

    def set_experiment(self, experiment: dict | None) -> None:
        self.experiment = experiment
        self.setVisible(experiment is not None)
        if experiment is None:
            return
        metric = experiment["metric"]
        variants = experiment["variants"]
        labels = {v["key"]: v.get("label") or v["key"] for v in variants}
        self.title.setText(f"A/B test · {METRIC_WORDS.get(metric, metric)}")
        winner = experiment.get("winner")
        if winner is not None:
            after = ("later entrants take its path" if experiment.get("auto_winner", True)
                     else "entrants keep being split")
            self.banner.setText(f"★ {labels.get(winner, winner)} wins — decided "
                                f"{_when(experiment.get('decided_at'))}; {after}.")
        self.banner.setVisible(winner is not None)
        needed = experiment.get("min_per_variant")
        so_far = " / ".join(f"{labels[v['key']]} {v['n']:,}" for v in variants)
        if winner is None and needed:
            confidence = experiment.get("confidence", 0.95)
            self.status.setText(f"Running: a winner is called once every variant has {needed:,} "
                                f"contacts and one is {confidence * 100:.0f} % likely to be "
                                f"best. So far: {so_far}.")
        else:
            self.status.setText(f"Contacts so far: {so_far}.")
        self.table.setRowCount(len(variants))
        for row, v in enumerate(variants):
            uplift = "baseline" if row == 0 else (
                f"{_percent(v['uplift'], True)} ({_percent(v['ci_low'], True)} to "
                f"{_percent(v['ci_high'], True)})" if v.get("uplift") is not None else "—")
            successes = (f"{v['successes']:,.2f}" if metric == "revenue"
                         else f"{int(v['successes']):,}")
            cells = (labels[v["key"]] + (" ★" if v["key"] == winner else ""), f"{v['n']:,}",
                     successes, _rate(v["rate"], metric), _percent(v["p_best"]), uplift)
            tip = (f"{labels[v['key']]}: {successes} of {v['n']:,} · rate "
                   f"{_rate(v['rate'], metric)} · chance to be best {_percent(v['p_best'])} · "
                   f"uplift {uplift}")
            for column, source in enumerate(self.columns):
                item = QTableWidgetItem(cells[source])
                item.setToolTip(tip)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.setFixedHeight(self.table.horizontalHeader().height()
                                  + sum(self.table.rowHeight(r) for r in range(len(variants))) + 4)
        self.bars.set_rows([(labels[v["key"]], v["rate"] or 0.0, v.get("rate_low"),
                             v.get("rate_high"), v["key"] == winner) for v in variants])

    def cell(self, row: int, column: int) -> str:
        """The text of `column` (an index into COLUMNS, whichever columns are shown)."""
        if column not in self.columns:
            return self.table.item(row, 0).toolTip() if self.table.item(row, 0) else ""
        item = self.table.item(row, self.columns.index(column))
        return item.text() if item is not None else ""


class ExperimentsSection(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("experimentsSection")
        self.heading = QLabel("Experiments", objectName="cardTitle")
        self.empty = QLabel("This journey has no A/B test and holds nobody out.", objectName="muted")
        self.tests = QVBoxLayout()
        self.tests.setSpacing(18)
        self.results: list[ExperimentResults] = []
        self.holdout = QLabel(objectName="holdoutSummary")
        self.holdout.setWordWrap(True)
        self.holdout.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addLayout(self.tests)
        layout.addWidget(self.holdout)
        layout.addStretch(1)
        self.set_report({})

    def set_report(self, report: dict) -> None:
        experiments = list(report.get("experiments") or [])
        while len(self.results) < len(experiments):
            widget = ExperimentResults()
            self.results.append(widget)
            self.tests.addWidget(widget)
        for index, widget in enumerate(self.results):
            widget.set_experiment(experiments[index] if index < len(experiments) else None)
            if index < len(experiments):
                widget.title.setText(f"Step “{experiments[index]['step']}” · {widget.title.text()}")
        holdout = report.get("holdout")
        self.holdout.setText(holdout_words(holdout) if holdout else "")
        self.holdout.setVisible(bool(holdout))
        self.empty.setVisible(not experiments and not holdout)


def holdout_words(h: dict) -> str:
    relative = (f" (relative {_percent(h['relative_lift'], True)})"
                if h.get("relative_lift") is not None else "")
    repeat = " · ".join(
        f"{r['days']} days: {_percent(r['treated'])} against {_percent(r['held_out'])}"
        for r in h.get("repeat_purchase", []))
    return (f"<b>Holdout</b> — {h['percent']} % of entrants held out "
            f"({h['held_out']:,} held out, {h['treated']:,} in the journey).<br>"
            f"Converted within {h.get('conversion_window', 'the window')}: "
            f"{_percent(h['treated_conversion_rate'])} in the journey against "
            f"{_percent(h['held_out_conversion_rate'])} held out.<br>"
            f"Lift: <b>{_points(h['lift'])}</b> (95 % interval "
            f"{_points(h['ci_low'])} to {_points(h['ci_high'])}){relative}.<br>"
            f"Revenue per contact: {h['treated_revenue_per_contact']:,.2f} against "
            f"{h['held_out_revenue_per_contact']:,.2f}.<br>"
            f"Ordered again within {repeat}.")
