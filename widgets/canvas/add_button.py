"""`AddStepButton`: the small "+" on every link and beside every unwired output port.

Contract: a child item of an `EdgeItem` (at the link's middle) or of a `PortItem` (a
little way out along the flow). It paints a round "+" and, on a left click, emits the
scene's `add_step_requested(source, port, target, scene_pos)` — `target` is "" for a port
with no link — so the view offers the step picker there. It never edits anything. Hidden
when zoomed too far out to hit it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneMouseEvent

from widgets.canvas.style import LOD_SIMPLE, canvas_style

RADIUS = 9.0
HIT = 12.0


class AddStepButton(QGraphicsItem):
    def __init__(self, parent: QGraphicsItem, source: str, port: str, target: str = ""):
        super().__init__(parent)
        self.source, self.port, self.target = source, port, target
        self._hovered = False
        self.setAcceptHoverEvents(True)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Insert a step here" if target else "Add the next step here")
        self.setZValue(2)  # above the link it sits on

    def boundingRect(self) -> QRectF:
        return QRectF(-HIT, -HIT, 2 * HIT, 2 * HIT)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if option.levelOfDetailFromTransform(painter.worldTransform()) < LOD_SIMPLE:
            return
        style = canvas_style()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        radius = RADIUS + (1.5 if self._hovered else 0.0)
        ring = QPen(style.accent if self._hovered else style.text_muted, 1.4)
        painter.setPen(ring)
        painter.setBrush(style.accent if self._hovered else style.background)
        painter.drawEllipse(QPointF(0, 0), radius, radius)
        cross = QPen(style.on_accent if self._hovered else style.text_muted, 1.8)
        cross.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(cross)
        arm = radius * 0.5
        painter.drawLine(QPointF(-arm, 0), QPointF(arm, 0))
        painter.drawLine(QPointF(0, -arm), QPointF(0, arm))

    def hoverEnterEvent(self, event) -> None:
        self._hovered = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hovered = False
        self.update()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.boundingRect().contains(event.pos()):
            self.click()

    def click(self) -> None:
        """What a click does (tests call it directly too)."""
        scene = self.scene()
        if scene is not None:
            scene.add_step_requested.emit(self.source, self.port, self.target,
                                          self.scenePos())
