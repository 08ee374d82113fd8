"""The chrome every page shares: `Page` (margins, header), `PageHeader`, `Card`, `DataTable`.

Contract:
- `Page(title, subtitle)` is a QWidget with a header and a content layout
  (`page.content`); subclasses implement `refresh()` to re-read what they show.
- `Card` is a white rounded panel (`#card` in the stylesheet); `TableCard` is a card that
  shows a table or, in its place, one of the page's empty states.
- `DataTable` is a QTableView set up the way every list in Trellis looks and behaves:
  whole-row selection, no grid, no editing, fixed row height (fast for 100,000 rows),
  row separators and status pills drawn by `TableDelegate`. Its columns are either set
  (`set_column_widths`) or sized to their titles and cells (`fit_columns_to_contents`),
  one column taking the room left either way.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from widgets.table_delegate import TableDelegate

ROW_HEIGHT = 44
#: the room the sort arrow takes in the sorted column's title (Qt would reserve a whole
#: title height in every column, whether sorted or not)
SORT_ARROW_WIDTH = 18
QWIDGETSIZE_MAX = (1 << 24) - 1
PAGE_MARGINS = (36, 28, 36, 28)
HEADER_SPACING = 12
#: the most room a page's subtitle asks for beside its controls (it wraps within it)
MIN_SUBTITLE_WIDTH = 260


class PageHeader(QWidget):
    """Title and subtitle on the left; `add_widget()` puts controls on the right — or on
    a row of their own under the texts while the page is too narrow for both side by
    side (`controls_below()`), rather than squeezing the title and every button."""

    def __init__(self, title: str, subtitle: str, parent=None):
        super().__init__(parent)
        self.title = QLabel(title, objectName="pageTitle")
        self.subtitle = QLabel(subtitle, objectName="pageSubtitle")
        self.subtitle.setWordWrap(True)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        self._controls = QWidget()
        self._controls_row = QHBoxLayout(self._controls)
        self._controls_row.setContentsMargins(0, 0, 0, 0)
        self._controls_row.setSpacing(HEADER_SPACING)
        self._controls.installEventFilter(self)  # its widgets change size: fit again
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(HEADER_SPACING)
        self._row = QHBoxLayout()
        self._row.setSpacing(HEADER_SPACING)
        self._row.addLayout(texts, 1)
        self._row.addWidget(self._controls, 0, Qt.AlignmentFlag.AlignBottom)
        self._below = QHBoxLayout()
        self._below.addStretch(1)
        outer.addLayout(self._row)
        outer.addLayout(self._below)
        self._is_below = False

    def add_widget(self, widget: QWidget) -> None:
        self._controls_row.addWidget(widget, 0, Qt.AlignmentFlag.AlignBottom)
        self._fit()

    def controls_below(self) -> bool:
        return self._is_below

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self._controls and event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        # the subtitle wraps: it needs its one-line width, or MIN_SUBTITLE_WIDTH if longer
        subtitle = self.subtitle.fontMetrics().horizontalAdvance(self.subtitle.text())
        texts = max(self.title.sizeHint().width(), min(subtitle, MIN_SUBTITLE_WIDTH))
        below = self.width() < texts + HEADER_SPACING + self._controls.sizeHint().width()
        if below == self._is_below:
            return
        self._is_below = below
        (self._row if below else self._below).removeWidget(self._controls)
        if below:
            self._below.addWidget(self._controls)
        else:
            self._row.addWidget(self._controls, 0, Qt.AlignmentFlag.AlignBottom)


class Page(QWidget):
    """A page of the main window: a header above `content`."""

    def __init__(self, title: str, subtitle: str, parent=None):
        super().__init__(parent)
        self.setObjectName("page")
        self.header = PageHeader(title, subtitle)
        self.content = QVBoxLayout(self)
        self.content.setContentsMargins(*PAGE_MARGINS)
        self.content.setSpacing(20)
        self.content.addWidget(self.header)

    def refresh(self) -> None:
        """Re-read what the page shows (called whenever the page is brought up)."""
        raise NotImplementedError


class Card(QFrame):
    def __init__(self, parent=None, margins: tuple[int, int, int, int] = (24, 20, 24, 22)):
        super().__init__(parent)
        self.setObjectName("card")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(*margins)
        self.body.setSpacing(12)


class TableCard(Card):
    """Shows `table` (its model already set) or one of `alternatives` in its place.

    With the table up, the card is no taller than its rows need, so a short list does not
    sit in a tall empty panel; pages put a stretch below it.
    """

    def __init__(self, table: "DataTable", *alternatives: QWidget, parent=None):
        super().__init__(parent, margins=(1, 4, 1, 1))
        self._table = table
        self._stack = QStackedLayout()
        for widget in (table, *alternatives):
            self._stack.addWidget(widget)
        self.body.addLayout(self._stack)
        model = table.model()
        model.modelReset.connect(self._fit)
        model.rowsInserted.connect(self._fit)

    def show_widget(self, widget: QWidget) -> None:
        """Bring up the table or one of the alternatives given at construction."""
        self._stack.setCurrentWidget(widget)
        self._fit()

    def current_widget(self) -> QWidget:
        return self._stack.currentWidget()

    def _fit(self) -> None:
        if self._stack.currentWidget() is not self._table:
            self.setMaximumHeight(QWIDGETSIZE_MAX)
            return
        margins = self.body.contentsMargins()
        border = 2  # the card's 1px border, top and bottom
        self.setMaximumHeight(
            self._table.natural_height() + margins.top() + margins.bottom() + border
        )


class DataTable(QTableView):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._stretch: tuple[int, int] | None = None
        self._fit_contents = False
        #: the row under the mouse, highlighted whole by TableDelegate (-1: none)
        self.hovered_row = -1
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setMouseTracking(True)  # row hover highlight
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setItemDelegate(TableDelegate(self))
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(ROW_HEIGHT)
        columns = self.horizontalHeader()
        columns.setHighlightSections(False)
        columns.setStretchLastSection(False)
        columns.setSectionsClickable(False)
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def natural_height(self) -> int:
        """The height that shows the header and every row without scrolling."""
        return (
            self.horizontalHeader().sizeHint().height()
            + self.verticalHeader().length()
            + 2 * self.frameWidth()
        )

    def set_column_widths(self, stretch: int, widths: dict[int, int], minimum: int = 240) -> None:
        """Column `stretch` takes the room the others (`widths`) leave, but at least `minimum`.

        Qt's own Stretch mode would squeeze it to nothing in a narrow window; below the
        minimum the table scrolls sideways instead.
        """
        self._stretch = (stretch, minimum)
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        self._fit_stretch_column()

    def fit_columns_to_contents(self, stretch: int, minimum: int = 240) -> None:
        """Every column but `stretch` as wide as its title or its widest cell (again on each
        change of rows or sort); `stretch` takes the rest, at least `minimum`, and elides."""
        self._stretch = (stretch, minimum)
        if not self._fit_contents:
            self._fit_contents = True
            model = self.model()
            for signal in (model.modelReset, model.layoutChanged, model.rowsInserted,
                           model.rowsRemoved, model.dataChanged):
                signal.connect(self._fit_to_contents)
            self.horizontalHeader().sortIndicatorChanged.connect(self._fit_to_contents)
        self._fit_to_contents()

    def _fit_to_contents(self, *_args) -> None:
        model, header = self.model(), self.horizontalHeader()
        stretch = self._stretch[0]
        sorting = header.isSortIndicatorShown()
        # the titles' own width: without the arrow's room Qt adds to every title
        header.setSortIndicatorShown(False)
        titles = {c: header.sectionSizeHint(c) for c in range(model.columnCount())}
        header.setSortIndicatorShown(sorting)
        sorted_column = header.sortIndicatorSection() if sorting else -1
        for column, title in titles.items():
            if column != stretch:
                arrow = SORT_ARROW_WIDTH if column == sorted_column else 0
                self.setColumnWidth(column, max(title + arrow, self.sizeHintForColumn(column)))
        self._fit_stretch_column()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        # a theme or font change changes the titles' and cells' widths
        if self._fit_contents and event.type() in (QEvent.Type.StyleChange,
                                                   QEvent.Type.FontChange):
            self._fit_to_contents()

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        self._set_hovered_row(self.indexAt(event.position().toPoint()).row())

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        self._set_hovered_row(-1)

    def _set_hovered_row(self, row: int) -> None:
        if row != self.hovered_row:
            self.hovered_row = row
            self.viewport().update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_stretch_column()

    def _fit_stretch_column(self) -> None:
        if self._stretch is None or self.model() is None:
            return
        stretch, minimum = self._stretch
        others = sum(
            self.columnWidth(c) for c in range(self.model().columnCount()) if c != stretch
        )
        self.setColumnWidth(stretch, max(minimum, self.viewport().width() - others))
