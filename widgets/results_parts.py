"""The pieces the Results view and the dashboard are made of: figure tables that export
to CSV, charts that save as PNG, KPI tiles with their change against the previous period.

Contract:
- `Figure(title, key, kind)`: a column; kind `text`, `count`, `rate` (a fraction 0–1,
  shown as %), `money` or `week`. `show(value, kind, currency)` is its text.
- `FigureTable(columns)`: a read-only table of dict rows (`set_rows`); `export_csv(path)`
  writes the header and the raw values (rates stay fractions, text cells neutralised for
  spreadsheets), through a temporary file so a failure leaves nothing half-written.
  "Export CSV…" asks for the file.
- `ChartBox(name)`: a chart (`set_chart(view)`) with "Save PNG…"; `save_png(path)`
  writes it. `daily_chart(rows, currency)`, `growth_chart(rows)` (both `lines_chart`) and
  `bar_chart(labels, values, name)` make QtCharts views.
- `KpiTile(label)`: `set_figure(value, previous, kind, currency, lower_is_better)` shows
  the value and "▲ 12 % vs previous period" (no change line without a previous period).
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QDateTimeAxis,
    QHorizontalBarSeries, QLineSeries, QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget, QAbstractItemView, QHeaderView, QSizePolicy,
)

from engine.files.atomic_text import write_text_atomically
from engine.files.csv_formula import neutralise
from widgets import formatting, tokens
from widgets.formatting import SYMBOLS
from widgets.icons import icon

#: the daily chart's series: (key, label, colour)
DAILY = (("entered", "Entered", "#6366f1"), ("sent", "Sent", "#0ea5e9"),
         ("opens", "Opens", "#10b981"), ("clicks", "Clicks", "#f59e0b"),
         ("conversions", "Conversions", "#ef4444"), ("revenue", "Revenue", "#be185d"))


def show(value, kind: str, currency: str = "USD") -> str:
    if value is None:
        return "—"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "rate":
        return formatting.percent(value)
    if kind == "money":
        return formatting.money(value, currency)
    return str(value)


class Figure:
    __slots__ = ("title", "key", "kind")

    def __init__(self, title: str, key: str, kind: str = "text"):
        self.title, self.key, self.kind = title, key, kind


def _ask_path(parent: QWidget, caption: str, name: str, pattern: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, name, pattern)
    return Path(chosen) if chosen else None


class FigureTable(QWidget):
    """A table of dict rows with an "Export CSV…" button."""

    def __init__(self, columns: Sequence[Figure], name: str, parent=None):
        super().__init__(parent)
        self.columns, self.name, self.rows = list(columns), name, []
        self.currency = "USD"
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([c.title for c in self.columns])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the names get the room
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # a wide table scrolls sideways inside its card: it never widens the page
        self.table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.export = QPushButton(icon("download"), " Export CSV…", objectName="flatButton")
        self.export.setToolTip("Save this table as a CSV file (rates as fractions)")
        self.export.clicked.connect(self._export_clicked)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(bar)

    def set_rows(self, rows: Sequence[dict], currency: str = "USD") -> None:
        self.rows, self.currency = list(rows), currency
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, column in enumerate(self.columns):
                item = QTableWidgetItem(show(row.get(column.key), column.kind, currency))
                if column.kind in ("count", "rate", "money"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        # as tall as its rows: the page scrolls, not each table
        # (and room for a horizontal scroll bar: a wide table scrolls sideways in a narrow window)
        height = self.table.horizontalHeader().height() + 4 + sum(
            self.table.rowHeight(r) for r in range(len(self.rows))) + \
            self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(max(height, 60))
        self.export.setEnabled(bool(self.rows))

    def cell(self, row: int, column: int) -> str:
        return self.table.item(row, column).text()

    def export_csv(self, path: Path) -> None:
        def write(out):
            writer = csv.writer(out)
            writer.writerow([c.title for c in self.columns])
            for row in self.rows:
                writer.writerow([neutralise(str(row.get(c.key, ""))) if c.kind in ("text", "week")
                                 else row.get(c.key, "") for c in self.columns])
        write_text_atomically(path, write)

    def _export_clicked(self) -> None:
        path = _ask_path(self, "Export the table", f"{self.name}.csv", "CSV files (*.csv)")
        if path is not None:
            self.export_csv(path)


class ChartBox(QWidget):
    """A chart with a "Save PNG…" button."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.view: QChartView | None = None
        self.save = QPushButton(icon("download"), " Save PNG…", objectName="flatButton")
        self.save.setToolTip("Save this chart as a PNG image")
        self.save.clicked.connect(self._save_clicked)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.save)
        self._layout.addLayout(bar)

    def set_chart(self, view: QChartView, height: int = 280) -> None:
        if self.view is not None:
            self._layout.removeWidget(self.view)
            self.view.hide()  # gone at once: deleteLater waits for the event loop's turn
            self.view.deleteLater()
        self.view = view
        view.setMinimumHeight(height)
        self._layout.insertWidget(0, view)

    def save_png(self, path: Path) -> None:
        if self.view is None or not self.view.grab().save(str(path), "PNG"):
            raise OSError(f"could not save the chart to {path}")

    def _save_clicked(self) -> None:
        path = _ask_path(self, "Save the chart", f"{self.name}.png", "PNG images (*.png)")
        if path is not None:
            self.save_png(path)


def _styled(chart: QChart) -> QChartView:
    chart.setBackgroundVisible(False)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setLabelColor(tokens.color("text"))
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setStyleSheet("background: transparent")
    return view


def _axis(axis):
    axis.setLabelsColor(tokens.color("text_muted"))
    axis.setGridLineColor(tokens.color("border"))
    return axis


def _msecs(day: str) -> float:
    return datetime.combine(date.fromisoformat(day), time(12), tzinfo=timezone.utc).timestamp() * 1000


def lines_chart(rows: Sequence[dict], series: Sequence[tuple[str, str, str, bool]],
                right_format: str = "%d") -> QChartView:
    """One line per (key, label, colour, on_right_axis) over the rows' "day"; lines on the
    right axis are dashed. A click on a legend entry hides or shows its line."""
    chart = QChart()
    x = _axis(QDateTimeAxis())
    x.setFormat("MMM d")
    x.setTickCount(min(8, max(2, len(rows))))
    left, right = _axis(QValueAxis()), _axis(QValueAxis())
    left.setLabelFormat("%d")
    right.setLabelFormat(right_format)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
    top = {False: 1.0, True: 1.0}
    for key, label, colour, on_right in series:
        line = QLineSeries()
        line.setName(label)
        pen = QPen(QColor(colour), 2)
        if on_right:
            pen.setStyle(Qt.PenStyle.DashLine)
        line.setPen(pen)
        for row in rows:
            line.append(_msecs(row["day"]), float(row[key]))
        top[on_right] = max([top[on_right], *(float(r[key]) for r in rows)])
        chart.addSeries(line)
        line.attachAxis(x)
        if on_right and right not in chart.axes():
            chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
        line.attachAxis(right if on_right else left)
    for axis, highest in ((left, top[False]), (right, top[True])):
        axis.setRange(0, highest * 1.1)
        axis.applyNiceNumbers()
    if rows:
        x.setRange(datetime.fromtimestamp(_msecs(rows[0]["day"]) / 1000, timezone.utc),
                   datetime.fromtimestamp(_msecs(rows[-1]["day"]) / 1000, timezone.utc))
    for marker in chart.legend().markers():
        marker.clicked.connect(lambda m=marker: _toggle(m))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    return _styled(chart)


def daily_chart(rows: Sequence[dict], currency: str = "USD") -> QChartView:
    """A journey's day by day: counts on the left axis, revenue (dashed) on the right."""
    return lines_chart(rows, [(key, label, colour, key == "revenue")
                              for key, label, colour in DAILY],
                       f"{SYMBOLS.get(currency, '')}%.0f")


def growth_chart(rows: Sequence[dict]) -> QChartView:
    """List growth: new contacts and unsubscribes per day, everyone (dashed, right)."""
    return lines_chart(rows, [("joined", "New contacts", "#10b981", False),
                              ("unsubscribed", "Unsubscribed", "#ef4444", False),
                              ("contacts", "Contacts", "#6366f1", True)])


def _toggle(marker) -> None:
    series = marker.series()
    series.setVisible(not series.isVisible())
    marker.setVisible(True)  # the legend entry stays, faded, so it can be clicked back
    marker.setLabelBrush(tokens.color("text" if series.isVisible() else "text_faint"))


def bar_chart(labels: Sequence[str], values: Sequence[float], name: str,
              horizontal: bool = False, money_currency: str | None = None) -> QChartView:
    chart = QChart()
    bars = QBarSet(name)
    bars.setColor(tokens.color("accent"))
    bars.setLabelColor(tokens.color("text"))
    for value in values:
        bars.append(float(value))
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    if money_currency:
        series.setLabelsFormat(f"{SYMBOLS.get(money_currency, '')}@value")
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(series)
    categories = _axis(QBarCategoryAxis())
    # a horizontal funnel reads top to bottom: the first step on top
    categories.append(list(reversed(labels)) if horizontal else list(labels))
    if horizontal:
        bars.remove(0, bars.count())
        for value in reversed(list(values)):
            bars.append(float(value))
    numbers = _axis(QValueAxis())
    numbers.setRange(0, max([1.0, *map(float, values)]) * 1.15)
    numbers.applyNiceNumbers()
    numbers.setLabelFormat(f"{SYMBOLS.get(money_currency, '')}%.0f" if money_currency else "%d")
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(numbers, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(numbers)
    chart.legend().setVisible(False)
    return _styled(chart)


class KpiTile(QWidget):
    def __init__(self, label: str, parent=None):
        super().__init__(parent)
        self.setObjectName("kpiTile")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.label = QLabel(label, objectName="muted")
        self.value = QLabel("—", objectName="kpiValue")
        self.change = QLabel("", objectName="muted")
        for label in (self.label, self.change):
            label.setWordWrap(True)  # narrow windows: tiles get narrower, not the page wider
        self.setMinimumWidth(110)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        for widget in (self.label, self.value, self.change):
            layout.addWidget(widget)

    def set_figure(self, value, previous, kind: str, currency: str = "USD",
                   lower_is_better: bool = False) -> None:
        self.value.setText(show(value, kind, currency))
        self.change.setText(change_words(value, previous, kind))
        better = None
        if previous is not None and value != previous:
            better = (value < previous) if lower_is_better else (value > previous)
        tone = "neutral" if better is None else ("success" if better else "danger")
        self.change.setStyleSheet(
            "" if tone == "neutral" else f"color: {tokens.tone_colors(tone)[0].name()}")


def change_words(value, previous, kind: str) -> str:
    """'▲ 12.0 % vs previous period', '▼ 0.4 pt …' for rates; '' without a previous period."""
    if previous is None:
        return ""
    if value == previous:
        return "no change vs previous period"
    arrow = "▲" if value > previous else "▼"
    if kind == "rate":
        return f"{arrow} {abs(value - previous) * 100:.1f} pt vs previous period"
    if not previous:
        return f"{arrow} new vs previous period (none)"
    return f"{arrow} {abs(value - previous) / abs(previous) * 100:.0f} % vs previous period"
