"""The email's blocks in order, one row each; blocks inside columns indented below them.

Contract:
- `BlockList.set_document(doc, problems)` shows `doc` (a `BlockDocument`); rows of blocks
  that did not change are left alone (an edit repaints one row), and the selection stays
  on the same block id while it exists. `problems` ({block id: [(severity, message)]})
  puts a warning or error icon on the rows concerned, with the messages as tooltip.
- Selecting a row emits `block_selected(id or None)`; `select_block(id)` selects one.
- Dragging a row onto another place emits `move_requested(id, Place)` with the place as
  `engine.blocks.move_block` counts it (rows never move themselves: the model decides).
  Dropping a palette entry (mime `BLOCK_MIME`, the block type) emits
  `insert_requested(type, Place)`. Alt+Up / Alt+Down emit the moves one place up or down.
  The footer is neither dragged nor dropped after.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from engine.blocks import BlockDocument, Place
from widgets.block_editor.summaries import summary
from widgets.icons import icon

BLOCK_MIME = "application/x-trellis-block-type"
ID_ROLE = Qt.ItemDataRole.UserRole + 1
PLACE_ROLE = Qt.ItemDataRole.UserRole + 2
TYPE_ICONS = {"heading": "pencil", "text": "list-add", "image": "grid", "button": "bolt",
              "divider": "split", "spacer": "hourglass", "columns": "panel-left",
              "products": "shop", "coupon": "star", "social": "megaphone", "footer": "flag"}


class BlockList(QListWidget):
    block_selected = Signal(object)  # block id or None
    move_requested = Signal(str, object)  # block id, Place
    insert_requested = Signal(str, object)  # block type, Place

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("blockList")
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setAcceptDrops(True)
        self.setSpacing(2)
        self.setWordWrap(False)
        self._rows: list[tuple[str, object, Place]] = []  # (id, block, place), row order
        self._emitting = True
        self.currentItemChanged.connect(self._current_changed)
        QShortcut(QKeySequence("Alt+Up"), self, lambda: self.move_selected(-1),
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence("Alt+Down"), self, lambda: self.move_selected(1),
                  context=Qt.ShortcutContext.WidgetShortcut)

    # ---- showing ---------------------------------------------------------------------------

    def set_document(self, doc: BlockDocument, problems: dict | None = None) -> None:
        problems = problems or {}
        rows = [(block.id, block, Place(index, parent, column))
                for block, parent, column, index in doc.walk()]
        selected = self.selected_id()
        self._emitting = False
        try:
            if [r[0] for r in rows] != [r[0] for r in self._rows]:
                self.clear()
                for _ in rows:
                    self.addItem(QListWidgetItem())
                self._rows = [(id_, None, place) for id_, _block, place in rows]
            for number, (id_, block, place) in enumerate(rows):
                item = self.item(number)
                if self._rows[number][1] != block or item.data(PLACE_ROLE) != place:
                    self._fill(item, block, place)
                self._mark(item, block, problems.get(id_, []))
            self._rows = rows
            if selected is not None:
                self.select_block(selected, emit=False)
        finally:
            self._emitting = True

    def _fill(self, item: QListWidgetItem, block, place: Place) -> None:
        indent = "      ↳ " if place.parent is not None else ""
        item.setText(indent + summary(block))
        item.setData(ID_ROLE, block.id)
        item.setData(PLACE_ROLE, place)
        item.setData(Qt.ItemDataRole.UserRole + 3, block.type)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if block.type != "footer":
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        item.setFlags(flags | Qt.ItemFlag.ItemIsDropEnabled)

    def _mark(self, item: QListWidgetItem, block, problems: list) -> None:
        errors = [m for s, m in problems if s == "error"]
        if problems:
            item.setIcon(icon("error", "danger") if errors else icon("warning", "warning"))
            item.setToolTip("\n".join(m for _s, m in problems))
        else:
            item.setIcon(icon(TYPE_ICONS.get(block.type, "mail")))
            item.setToolTip("Drag to move (or Alt+Up, Alt+Down); edit it on the right")
        item.setData(Qt.ItemDataRole.UserRole + 4, len(problems))

    def problem_count(self, block_id: str) -> int:
        row = self.row_of(block_id)
        return self.item(row).data(Qt.ItemDataRole.UserRole + 4) if row is not None else 0

    # ---- selection -------------------------------------------------------------------------

    def row_of(self, block_id: str) -> int | None:
        for number, (id_, _block, _place) in enumerate(self._rows):
            if id_ == block_id:
                return number
        return None

    def select_block(self, block_id: str | None, emit: bool = True) -> bool:
        row = self.row_of(block_id) if block_id is not None else None
        before, self._emitting = self._emitting, emit and self._emitting
        try:
            if row is None:
                self.setCurrentRow(-1)
                return False
            self.setCurrentRow(row)
            return True
        finally:
            self._emitting = before

    def selected_id(self) -> str | None:
        item = self.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def selected_place(self) -> Place | None:
        item = self.currentItem()
        return item.data(PLACE_ROLE) if item is not None else None

    def _current_changed(self, current, _previous) -> None:
        if self._emitting:
            self.block_selected.emit(current.data(ID_ROLE) if current is not None else None)

    # ---- moving ----------------------------------------------------------------------------

    def move_selected(self, step: int) -> None:
        place = self.selected_place()
        if place is None:
            return
        target = place.index + step
        if target >= 0:
            self.move_requested.emit(self.selected_id(), Place(target, place.parent, place.column))

    def _drop_place(self, event) -> Place | None:
        """Where a drop at the event's position puts a block, before removing the dragged
        one (None: nowhere)."""
        item = self.itemAt(event.position().toPoint())
        if item is None:  # below the last row: just before the footer
            footer = self._rows[-1][2] if self._rows else None
            return Place(footer.index) if footer is not None else None
        place: Place = item.data(PLACE_ROLE)
        indicator = self.dropIndicatorPosition()
        if (indicator == QAbstractItemView.DropIndicatorPosition.OnItem
                and item.data(Qt.ItemDataRole.UserRole + 3) == "columns"):
            return Place(0, item.data(ID_ROLE), 0)  # into its first column, at the top
        if indicator == QAbstractItemView.DropIndicatorPosition.BelowItem:
            return Place(place.index + 1, place.parent, place.column)
        return place

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt name)
        return [*super().mimeTypes(), BLOCK_MIME]

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasFormat(BLOCK_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        super().dragMoveEvent(event)
        if event.mimeData().hasFormat(BLOCK_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        place = self._drop_place(event)
        event.setDropAction(Qt.DropAction.IgnoreAction)  # the model moves rows, not Qt
        event.accept()
        if place is None:
            return
        data = event.mimeData()
        if data.hasFormat(BLOCK_MIME):
            block_type = bytes(data.data(BLOCK_MIME).data()).decode()
            self.insert_requested.emit(block_type, place)
            return
        dragged, old = self.selected_id(), self.selected_place()
        if dragged is None:
            return
        self.move_requested.emit(dragged, moved_place(old, place))


def moved_place(old: Place, target: Place) -> Place:
    """`target` (a place among the rows as they are) as `move_block` counts it: without
    the moved block, so a move further down the same list is one place less."""
    same = (old.parent, old.column) == (target.parent, target.column)
    if same and old.index < target.index:
        return Place(target.index - 1, target.parent, target.column)
    return target


def block_mime(block_type: str):
    from PySide6.QtCore import QMimeData

    data = QMimeData()
    data.setData(BLOCK_MIME, QByteArray(block_type.encode()))
    return data
