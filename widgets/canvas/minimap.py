"""`Minimap`: the whole journey in miniature in the canvas's corner, for large journeys.

Contract:
- `Minimap(view)` floats over the bottom-right corner of a `JourneyView`. It appears when
  the journey has `MIN_NODES` steps or more, or when its steps do not fit in the view, and
  hides otherwise.
- It draws each card as a small block in its category's colour and the part the view
  shows as an outlined rectangle; clicking or dragging in it centres the view there.
- The blocks are drawn into a cached pixmap, refreshed (coalesced, at most once per event
  loop turn) when steps are added, removed or moved; scrolling and zooming only redraw the
  outline.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

from widgets import tokens
from widgets.canvas.style import canvas_style

SIZE = (220, 140)
MARGIN = 16
PADDING = 8
MIN_NODES = 12


class Minimap(QWidget):
    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.scene = view.journey_scene
        self.setObjectName("minimap")
        self.setFixedSize(*SIZE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move around the journey")
        self._pixmap: QPixmap | None = None
        self._nodes_rect = QRectF()
        self._world = QRectF()
        self._refresh = QTimer(self, singleShot=True, interval=0)
        self._refresh.timeout.connect(self._rebuild)
        self.scene.content_changed.connect(self._refresh.start)
        view.viewport_changed.connect(self._viewport_changed)
        self._rebuild()

    # ---- what to show --------------------------------------------------------------------

    def _rebuild(self) -> None:
        self._nodes_rect = self.scene.nodes_rect()
        self._pixmap = None
        self._viewport_changed()

    def _viewport_changed(self) -> None:
        self._place()
        visible = self.view.visible_rect()
        wanted = not self._nodes_rect.isNull() and (
            self.scene.node_count() >= MIN_NODES or not visible.contains(self._nodes_rect)
        )
        self.setVisible(wanted)
        if wanted:
            world = self._nodes_rect.adjusted(-80, -80, 80, 80)
            if world != self._world:
                self._world, self._pixmap = world, None
            self.update()

    def _place(self) -> None:
        area = self.view.viewport().geometry()
        self.move(area.right() - self.width() - MARGIN, area.bottom() - self.height() - MARGIN)

    def _frame(self) -> tuple[float, QPointF]:
        """Scale and offset mapping scene coordinates into the minimap."""
        inner = QRectF(self.rect()).adjusted(PADDING, PADDING, -PADDING, -PADDING)
        scale = min(inner.width() / self._world.width(), inner.height() / self._world.height())
        offset = QPointF(
            inner.left() + (inner.width() - self._world.width() * scale) / 2,
            inner.top() + (inner.height() - self._world.height() * scale) / 2,
        )
        return scale, offset

    def _to_map(self, rect: QRectF) -> QRectF:
        scale, offset = self._frame()
        return QRectF(
            offset.x() + (rect.left() - self._world.left()) * scale,
            offset.y() + (rect.top() - self._world.top()) * scale,
            rect.width() * scale,
            rect.height() * scale,
        )

    def _to_scene(self, point: QPointF) -> QPointF:
        scale, offset = self._frame()
        return QPointF(
            self._world.left() + (point.x() - offset.x()) / scale,
            self._world.top() + (point.y() - offset.y()) / scale,
        )

    # ---- painting --------------------------------------------------------------------------

    def _blocks(self) -> QPixmap:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(self.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setPen(Qt.PenStyle.NoPen)
        style = canvas_style()
        for item in self.scene.node_items():
            painter.setBrush(style.category(item.category).brush)
            painter.drawRect(self._to_map(item.sceneBoundingRect()))
        painter.end()
        return pixmap

    def paintEvent(self, _event) -> None:
        if self._world.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(tokens.color("border_strong"))
        painter.setBrush(tokens.color("surface"))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
        if self._pixmap is None:
            self._pixmap = self._blocks()
        painter.drawPixmap(0, 0, self._pixmap)
        view = self._to_map(self.view.visible_rect()).intersected(QRectF(self.rect()))
        accent = tokens.color("accent")
        painter.setPen(accent)
        accent.setAlphaF(0.10)
        painter.setBrush(accent)
        painter.drawRoundedRect(view, 3, 3)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # a theme switch: new block colours
            self._pixmap = None
            self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.view.centerOn(self._to_scene(event.position()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.view.centerOn(self._to_scene(event.position()))
