"""`PortItem`: one port of a node card — an output a link is dragged from, or the input.

Contract:
- A child item of its `NodeItem`, placed on the card's right edge (outputs, one per
  `engine.nodes.Port`) or left edge (the input; triggers have none). It paints only its
  dot; the card paints the port's label.
- Pressing an output starts a connect drag: the port forwards press, move and release to
  the scene's `ConnectDrag` (widgets/canvas/connect_drag.py) and never edits anything.
- An unwired output shows a "+" beside it (`add_button`): a click there offers the step
  picker, the same as dragging a link into empty space.
- `connected` (set by the scene) fills the dot; hover enlarges it, so a marketer sees what
  can be grabbed. The hit area is larger than the dot on purpose.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneMouseEvent

from widgets.canvas.add_button import AddStepButton
from widgets.canvas.style import PORT_HIT_RADIUS, PORT_RADIUS, canvas_style


ADD_OFFSET = 26.0  # from the port's dot to the "+" beside it


class PortItem(QGraphicsItem):
    def __init__(self, parent: QGraphicsItem, key: str, label: str, is_input: bool = False):
        super().__init__(parent)
        self.key = key
        self.label = label
        self.is_input = is_input
        self.connected = False
        self._hovered = False
        self.setAcceptHoverEvents(not is_input)
        self.setAcceptedMouseButtons(
            Qt.MouseButton.NoButton if is_input else Qt.MouseButton.LeftButton
        )
        self.add_button: AddStepButton | None = None
        if not is_input:
            self.setCursor(Qt.CursorShape.CrossCursor)
            self.setToolTip(f"Drag from “{label}” to the next step, or click the + beside it")
            self.add_button = AddStepButton(self, parent.node_id, key)
            self.place_add_button()

    @property
    def node(self):
        return self.parentItem()

    def set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.update()
        self.place_add_button()

    def place_add_button(self) -> None:
        """The "+" stands a little way out along the flow while the port has no link."""
        if self.add_button is None:
            return
        self.add_button.setVisible(not self.connected)
        flow = getattr(self.parentItem(), "flow", "right")
        self.add_button.setPos(QPointF(0, ADD_OFFSET) if flow == "down"
                               else QPointF(ADD_OFFSET, 0))

    def boundingRect(self) -> QRectF:
        r = PORT_HIT_RADIUS
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        style = canvas_style()
        look = style.category(self.node.category)
        radius = PORT_RADIUS + (1.5 if self._hovered else 0.0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(look.pen if (self._hovered or self.connected) else style.port_pen)
        painter.setBrush(look.brush if self.connected else style.port_brush)
        painter.drawEllipse(QPointF(0, 0), radius, radius)

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
        self.scene().connect_drag.begin(self, event.scenePos())

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.scene().connect_drag.move(event.scenePos())

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.scene().connect_drag.finish(event.scenePos())
