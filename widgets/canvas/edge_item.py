"""`EdgeItem`: a link from one node's output port to another node's input, and
`link_path`, the smooth curve both real and draft links follow.

Contract:
- An edge knows its two `NodeItem`s and its port; `update_path()` (called by the cards
  when they move) recomputes the cubic curve between the port anchors and the hit shape.
  It never reads or writes the model.
- Links leaving a fork carry the port's label ("yes", "timeout", "A · 50%") in a small pill
  at the curve's middle; plain "next" links carry none.
- A "+" (`add_button`, widgets/canvas/add_button.py) on the link inserts a step into it.
- Selectable (Delete removes the link), highlighted under the mouse; zoomed out, the
  label and arrow head are skipped. `set_on_path(True)` draws it thick in the path colour,
  above the other links (a walk-through went along it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from widgets.canvas.add_button import AddStepButton
from widgets.canvas.style import LOD_SIMPLE, PATH_FAR_ZOOM, PORT_RADIUS, Flow, canvas_style

if TYPE_CHECKING:
    from widgets.canvas.node_item import NodeItem

ARROW = 7.0
HIT_WIDTH = 12.0
LABEL_PAD_X, LABEL_PAD_Y = 7.0, 2.0
LABEL_MIN_RUN = 150.0


def direction(flow: Flow) -> QPointF:
    """The unit vector links leave and arrive along."""
    return QPointF(0, 1) if flow == "down" else QPointF(1, 0)


def link_end(target_input: QPointF, flow: Flow) -> QPointF:
    """Where a link's arrow tip stops: just before the target's input dot."""
    return target_input - direction(flow) * (PORT_RADIUS + 1)


def link_path(start: QPointF, end: QPointF, flow: Flow = "right") -> QPainterPath:
    """A cubic leaving and arriving along the flow; links that run backwards swing out
    wider, so a loop back to an earlier step stays readable."""
    along = direction(flow)
    delta = end - start
    forward = QPointF.dotProduct(delta, along)
    sideways = abs(delta.y() if flow == "right" else delta.x())
    reach = max(forward * 0.5, 50.0) if forward >= 0 else max(120.0, sideways * 0.4)
    path = QPainterPath(start)
    path.cubicTo(start + along * reach, end - along * reach, end)
    return path


def _arrow_head(tip: QPointF, along: QPointF) -> QPolygonF:
    back = tip - along * ARROW
    side = QPointF(-along.y(), along.x()) * (ARROW * 0.6)
    return QPolygonF([tip, back + side, back - side])


class EdgeItem(QGraphicsItem):
    def __init__(self, source: NodeItem, port: str, label: str, target: NodeItem):
        super().__init__()
        self.source, self.port, self.target = source, port, target
        self.label = label
        self._hovered = False
        self._path = QPainterPath()
        self._arrow = QPolygonF()
        self._shape = QPainterPath()
        self._bounds = QRectF()
        self._label = QStaticText(label) if port != "next" else None
        self._label_width = canvas_style().label_metrics.horizontalAdvance(label)
        self._label_rect = QRectF()
        self._show_label = False
        self.on_path = False
        #: the Results overlay: drawn this thick (more contacts flowed); None: as usual
        self.flow_width: float | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(0)
        if self._label is not None:
            self._label.setTextFormat(Qt.TextFormat.PlainText)
        self.add_button = AddStepButton(self, source.node_id, port, target.node_id)
        self.update_path()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source.node_id, self.port, self.target.node_id)

    def update_path(self) -> None:
        flow = self.source.flow
        start = self.source.output_anchor(self.port)
        end = link_end(self.target.input_anchor(), flow)
        self.prepareGeometryChange()
        self._path = link_path(start, end, flow)
        self._arrow = _arrow_head(end, direction(flow))
        stroker = QPainterPathStroker()
        stroker.setWidth(HIT_WIDTH)
        self._shape = stroker.createStroke(self._path)
        bounds = self._path.boundingRect().adjusted(-ARROW, -ARROW, ARROW, ARROW)
        # a label pill only where the link is long enough to hold it beside the card's own
        # port label; short links would be covered by it
        self._show_label = self._label is not None and (
            abs(end.x() - start.x()) >= LABEL_MIN_RUN or abs(end.y() - start.y()) >= LABEL_MIN_RUN
        )
        if self._show_label:
            middle = self._path.pointAtPercent(0.5)
            height = canvas_style().label_metrics.height() + 2 * LABEL_PAD_Y
            width = self._label_width + 2 * LABEL_PAD_X
            self._label_rect = QRectF(
                middle.x() - width / 2, middle.y() - height / 2, width, height
            )
            self._shape.addRect(self._label_rect)
            bounds = bounds.united(self._label_rect.adjusted(-1, -1, 1, 1))
        self._bounds = bounds
        # the "+" in the middle of the link, past the label pill where there is one
        self.add_button.setPos(self._path.pointAtPercent(0.75 if self._show_label else 0.5))

    def boundingRect(self) -> QRectF:
        return self._bounds

    def set_on_path(self, on_path: bool) -> None:
        if on_path != self.on_path:
            self.on_path = on_path
            self.setZValue(0.5 if on_path else 0)
            self.update()

    def set_flow_width(self, width: float | None) -> None:
        if width != self.flow_width:
            self.flow_width = width
            self.update()

    def shape(self) -> QPainterPath:
        return self._shape

    def hoverEnterEvent(self, event) -> None:
        self._hovered = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hovered = False
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        style = canvas_style()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if self.isSelected():
            pen = style.edge_selected_pen
        elif self.on_path:
            pen = style.edge_path_far_pen if lod < PATH_FAR_ZOOM else style.edge_path_pen
        else:
            pen = style.edge_hover_pen if self._hovered else style.edge_pen
        if self.flow_width is not None and not self.isSelected():
            pen = QPen(pen)
            pen.setWidthF(self.flow_width)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        if lod < LOD_SIMPLE:
            return
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pen.color())
        painter.drawPolygon(self._arrow)
        if self._show_label:
            painter.setPen(style.label_pen)
            painter.setBrush(style.label_brush)
            radius = self._label_rect.height() / 2
            painter.drawRoundedRect(self._label_rect, radius, radius)
            painter.setFont(style.label_font)
            painter.setPen(style.text_muted)
            painter.drawStaticText(
                self._label_rect.topLeft() + QPointF(LABEL_PAD_X, LABEL_PAD_Y), self._label
            )
