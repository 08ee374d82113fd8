"""`NodePalette`: every step a journey can use, grouped and searchable, to drag or add.

Contract:
- `NodePalette(registry=REGISTRY, exclude_triggers=False, pick_on_click=False)` lists the
  registry's node types under Triggers, Timing, Logic and Actions (`by_category()`), each
  with its icon on a tile in its category's colour, and its description as tooltip.
- Typing in the search box filters by title, description and group; a group with no match
  hides. Enter picks the first match.
- Dragging a type out carries it as `widgets/canvas/mime.py`'s node-type MIME data (the
  canvas turns a drop into an add). Double-click, Enter — or a single click with
  `pick_on_click`, as in the canvas's pop-up picker — emits `node_chosen(type_id)`.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.nodes import NodeRegistry, NodeSpec, active_registry
from widgets import tokens
from widgets.canvas.mime import NODE_TYPE_MIME, node_type_mime
from widgets.canvas.style import canvas_style, icon_pixmap
from widgets.icons import icon

TYPE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
CATEGORY_ROLE = Qt.ItemDataRole.UserRole + 3
ICON_ROLE = Qt.ItemDataRole.UserRole + 4
ROW_HEIGHT = 36
HEADER_HEIGHT = 30
TILE = 26


class _PaletteDelegate(QStyledItemDelegate):
    """Group headers as small muted capitals; steps as a coloured icon tile and a title."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        header = index.data(TYPE_ROLE) is None
        return QSize(option.rect.width(), HEADER_HEIGHT if header else ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        style = canvas_style()
        rect = QRectF(option.rect)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if index.data(TYPE_ROLE) is None:
            painter.setFont(style.label_font)
            painter.setPen(style.text_muted)
            painter.drawText(
                rect.adjusted(12, 8, -8, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                index.data(Qt.ItemDataRole.DisplayRole).upper(),
            )
            painter.restore()
            return
        state = option.state
        if state & QStyle.StateFlag.State_Selected or state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tokens.color(
                "accent_soft" if state & QStyle.StateFlag.State_Selected else "hover"
            ))
            painter.drawRoundedRect(rect.adjusted(4, 1, -4, -1), 7, 7)
        look = style.category(index.data(CATEGORY_ROLE))
        tile = QRectF(rect.left() + 10, rect.center().y() - TILE / 2, TILE, TILE)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(look.soft_brush)
        painter.drawRoundedRect(tile, 6, 6)
        scale = option.widget.devicePixelRatioF() if option.widget else 1.0
        pixmap = icon_pixmap(index.data(ICON_ROLE), look.color, scale)
        painter.drawPixmap(tile.adjusted(5, 5, -5, -5), pixmap, QRectF(pixmap.rect()))
        painter.setPen(tokens.color("text"))
        painter.setFont(option.font)
        text_rect = rect.adjusted(TILE + 20, 0, -8, 0)
        title = option.fontMetrics.elidedText(
            index.data(Qt.ItemDataRole.DisplayRole), Qt.TextElideMode.ElideRight,
            int(text_rect.width()),
        )
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         title)
        painter.restore()


class _PaletteTree(QTreeWidget):
    def mimeData(self, items):
        type_id = items[0].data(0, TYPE_ROLE) if items else None
        return node_type_mime(type_id) if type_id else None

    def mimeTypes(self):
        return [NODE_TYPE_MIME]


class NodePalette(QWidget):
    node_chosen = Signal(str)

    def __init__(
        self,
        registry: NodeRegistry | None = None,
        *,
        exclude_triggers: bool = False,
        pick_on_click: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("nodePalette")
        self.search = QLineEdit(placeholderText="Search steps")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(
            icon("search", "text_faint"), QLineEdit.ActionPosition.LeadingPosition
        )
        self.search.textChanged.connect(self.set_filter)
        self.search.returnPressed.connect(self._choose_first)
        self.search.installEventFilter(self)

        self.tree = _PaletteTree()
        self.tree.setObjectName("paletteTree")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(0)
        self.tree.setFrameShape(QFrame.Shape.NoFrame)
        self.tree.setMouseTracking(True)
        self.tree.setItemDelegate(_PaletteDelegate(self.tree))
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.tree.itemActivated.connect(self._activated)
        if pick_on_click:
            self.tree.itemClicked.connect(self._activated)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._build(registry if registry is not None else active_registry(), exclude_triggers)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)

    def _build(self, registry: NodeRegistry, exclude_triggers: bool) -> None:
        for category, specs in registry.by_category().items():
            specs = [s for s in specs if not (exclude_triggers and s.is_trigger)]
            if not specs:
                continue
            header = QTreeWidgetItem([category.label])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(header)
            for spec in specs:
                header.addChild(self._item(spec))
            header.setExpanded(True)

    def _item(self, spec: NodeSpec) -> QTreeWidgetItem:
        item = QTreeWidgetItem([spec.title])
        item.setData(0, TYPE_ROLE, spec.type_id)
        item.setData(0, ICON_ROLE, spec.icon)
        item.setData(0, CATEGORY_ROLE, spec.category)
        words = f"{spec.title} {spec.description} {spec.category.label}".lower()
        item.setData(0, SEARCH_ROLE, words)
        item.setToolTip(0, f"<b>{spec.title}</b><br>{spec.description}")
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )
        self._items[spec.type_id] = item
        return item

    def set_filter(self, text: str) -> None:
        words = text.lower().split()
        for index in range(self.tree.topLevelItemCount()):
            header = self.tree.topLevelItem(index)
            shown = 0
            for row in range(header.childCount()):
                child = header.child(row)
                match = all(word in child.data(0, SEARCH_ROLE) for word in words)
                child.setHidden(not match)
                shown += match
            header.setHidden(shown == 0)

    def visible_types(self) -> list[str]:
        return [t for t, item in self._items.items() if not item.isHidden()
                and not item.parent().isHidden()]

    def item_for(self, type_id: str) -> QTreeWidgetItem:
        return self._items[type_id]

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        type_id = item.data(0, TYPE_ROLE)
        if type_id:
            self.node_chosen.emit(type_id)

    def _choose_first(self) -> None:
        visible = self.visible_types()
        if visible:
            self.node_chosen.emit(visible[0])

    def eventFilter(self, watched, event) -> bool:
        # Down from the search box walks into the list, as in a launcher
        if watched is self.search and isinstance(event, QKeyEvent):
            if event.type() == QKeyEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
                visible = self.visible_types()
                if visible:
                    self.tree.setFocus()
                    self.tree.setCurrentItem(self._items[visible[0]])
                return True
        return super().eventFilter(watched, event)
