"""A read-only table model over a list of row objects, described by `Column`s.

Contract:
- `Column` says how one column shows a row: its text, alignment, optional tooltip, an
  optional pill tone (drawn by `TableDelegate`), and emphasis or muted text; its title
  may have a tooltip of its own (`title_tooltip`: the full meaning of a short title).
- `RowsModel(columns)` shows `rows` (any objects the column functions understand);
  `set_rows()` replaces them wholesale. `ROW_ROLE` returns the row object itself, so views
  hand whole rows (ids included) to whoever acts on a click.
- `sort(column, order)` orders the rows by the column's `sort_key` (else its text) and
  keeps that order across `set_rows()`, so a list refreshed stays sorted as chosen.
- Colours are read from the current theme when Qt asks for them, never cached, so a theme
  switch repaints correctly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from widgets import tokens

Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
#: a tone from `widgets.tokens.TONES` for cells drawn as status pills
TONE_ROLE = Qt.ItemDataRole.UserRole + 2

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    align: Qt.AlignmentFlag = LEFT
    tooltip: Callable[[Any], str | None] | None = None
    tone: Callable[[Any], str] | None = None
    emphasis: bool = False
    muted: bool = False
    #: what the column sorts by (numbers sort as numbers); None: its text
    sort_key: Callable[[Any], Any] | None = None
    #: shown over the column's title: what a short title means in full
    title_tooltip: str | None = None


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = self._sorted(list(rows))
        self.endResetModel()

    def _sorted(self, rows: list[Any]) -> list[Any]:
        if self._sort is None:
            return rows
        column, order = self._sort
        key = self.columns[column].sort_key or self.columns[column].text
        return sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = None if column < 0 else (column, order)
        self.set_rows(self.rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.columns[section].align
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].title_tooltip
        return None

    def data(self, index: Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row)
        if role == TONE_ROLE and column.tone:
            return column.tone(row)
        if role == Qt.ItemDataRole.FontRole and column.emphasis:
            font = QFont()
            font.setWeight(QFont.Weight.DemiBold)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column.muted:
            return tokens.color("text_muted")
        if role == ROW_ROLE:
            return row
        return None
