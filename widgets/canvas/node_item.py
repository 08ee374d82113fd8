"""`NodeItem`: one step of the journey drawn as a card, and `NodeContent`, what it shows.

Contract:
- The scene builds a `NodeContent` (title, one-line summary, category, icon, ports) from
  the journey and hands it to `set_content()`; the item never reads or writes the model.
  Its position is the card's top-left corner, as in the model.
- The card: a category-coloured strip on top, an icon tile, the title, up to two lines of
  summary, and for steps that fork (yes/no, event/timeout, split variants) a label per
  output port. With the canvas flowing right (`flow`), outputs sit on the right edge, one
  labelled row each, and the input on the left; flowing down, outputs sit along the bottom
  under their labels and the input on top (`set_flow`).
- `set_problems(severity, messages)` shows a red (error) or amber (warning) badge with the
  messages in the tooltip; `set_drop_state("ok" | "bad" | None)` outlines the card while
  a link is dragged over it.
- `set_live_counts((waiting, passed) | None)`: on a live journey the card's second text
  line says "12 waiting · 340 passed" (the summary keeps one line; all of it is in the
  tooltip); `waiting_hit(point)` says whether a point (item coordinates) is on that line
  while someone waits there (a click on it lists them). `set_results(lines | None)`: the
  Results overlay — the card's text lines below the title show its figures instead of the
  summary and the live counts (widgets/canvas/results_overlay.py says what; None: back to
  the summary). `set_winner(port | None)`: the step's A/B test has a winner: a star before
  that port's label and a tooltip line. `set_path_step(n | None)`: the card is step `n` of
  a walk-through's path — a thick border in the path colour and its number on the
  top-left corner.
- Painting is cheap: texts are laid out once per change (`QStaticText`; what they say and
  where: widgets/canvas/node_texts.py), pens and fonts come from `canvas_style()`, and
  zoomed out the card drops detail (level of detail).
- Edges attached to the card are kept on it (`out_edges` by port, `in_edges`), so moving
  a card re-routes exactly its edges, without searching the scene.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from engine.nodes import Category, Port
from widgets.canvas.node_texts import (
    LIVE_TEXT_X,
    SUMMARY_LINE_HEIGHT,
    SUMMARY_TOP,
    TITLE_X,
    card_texts,
    live_text,
    static_text,
)
from widgets.canvas.port_item import PortItem
from widgets.canvas.style import (
    BADGE_RADIUS,
    BODY_HEIGHT,
    HEADER_HEIGHT,
    ICON_SIZE,
    ICON_TILE,
    LOD_BLOCK,
    LOD_SIMPLE,
    NODE_WIDTH,
    PADDING,
    PATH_FAR_ZOOM,
    RADIUS,
    STRIP,
    SUMMARY_LINES,
    CanvasStyle,
    Flow,
    canvas_style,
    icon_pixmap,
    input_port_pos,
    node_height,
    output_port_pos,
)

if TYPE_CHECKING:
    from widgets.canvas.edge_item import EdgeItem


@dataclass(frozen=True)
class NodeContent:
    title: str
    summary: str
    category: Category
    icon: str
    description: str
    ports: tuple[Port, ...]
    has_input: bool


def _rounded(rect: QRectF) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(rect, RADIUS, RADIUS)
    return path


def _top_strip() -> QPainterPath:
    """The card's top `STRIP` pixels, following its rounded corners (same for every card)."""
    band = QPainterPath()
    band.addRect(QRectF(0, 0, NODE_WIDTH, STRIP))
    return _rounded(QRectF(0, 0, NODE_WIDTH, 4 * RADIUS)).intersected(band)


_STRIP = _top_strip()


class NodeItem(QGraphicsItem):
    def __init__(self, node_id: str, content: NodeContent, flow: Flow = "right"):
        super().__init__()
        self.node_id = node_id
        self.flow: Flow = flow
        self.content: NodeContent | None = None
        self.out_edges: dict[str, EdgeItem] = {}
        self.in_edges: set[EdgeItem] = set()
        self.ports: dict[str, PortItem] = {}
        self.input_port: PortItem | None = None
        self.problem_severity: str | None = None
        self._problem_messages: tuple[str, ...] = ()
        self.drop_state: str | None = None
        self._hovered = False
        self._height = BODY_HEIGHT
        self._card_path = _rounded(self.card_rect())
        self._title = static_text("")
        self._summary: list[QStaticText] = []
        self.live_counts: tuple[int, int] | None = None
        self._live: QStaticText | None = None
        self.results: tuple[str, ...] | None = None
        self.path_step: int | None = None
        #: the winning port of this step's A/B test, once called
        self.winner: str | None = None
        self._port_labels: list[tuple[QStaticText, QPointF]] = []
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.set_content(content)

    # ---- content ---------------------------------------------------------------------------

    @property
    def category(self) -> Category:
        return self.content.category

    def set_content(self, content: NodeContent) -> None:
        if content == self.content:
            return
        previous, self.content = self.content, content
        self._fit_height()
        if previous is None or (previous.ports, previous.has_input) != (
            content.ports,
            content.has_input,
        ):
            self._sync_ports()
        self._layout_texts()
        self._update_tooltip()
        self.update()

    def set_flow(self, flow: Flow) -> None:
        """Put the ports where links leave and arrive for the canvas's flow."""
        if flow == self.flow:
            return
        self.flow = flow
        self._fit_height()
        self._sync_ports()
        self._layout_texts()
        self.update()

    def _fit_height(self) -> None:
        height = node_height(len(self.content.ports), self.flow)
        if height != self._height:
            self.prepareGeometryChange()
            self._height = height
            self._card_path = _rounded(self.card_rect())

    def _sync_ports(self) -> None:
        ports = self.content.ports
        wanted = {port.key for port in ports}
        for key in [k for k in self.ports if k not in wanted]:
            self._drop_child(self.ports.pop(key))
        for index, port in enumerate(ports):
            item = self.ports.get(port.key)
            if item is None or item.label != port.label:
                if item is not None:
                    self._drop_child(item)
                item = self.ports[port.key] = PortItem(self, port.key, port.label)
                item.set_connected(port.key in self.out_edges)
            item.setPos(*output_port_pos(index, len(ports), self.flow))
            item.place_add_button()
        if self.content.has_input and self.input_port is None:
            self.input_port = PortItem(self, "", "", is_input=True)
            self.input_port.set_connected(bool(self.in_edges))
        elif not self.content.has_input and self.input_port is not None:
            self._drop_child(self.input_port)
            self.input_port = None
        if self.input_port is not None:
            self.input_port.setPos(*input_port_pos(self.flow))

    def _drop_child(self, item: QGraphicsItem) -> None:
        if item.scene() is not None:
            item.scene().removeItem(item)
        else:
            item.setParentItem(None)

    def _layout_texts(self) -> None:
        self._title, self._summary, self._live, self._port_labels = card_texts(
            self.content, self.flow, self.live_counts, self.results, self.winner)

    def set_problems(self, severity: str | None, messages: tuple[str, ...] = ()) -> None:
        if (severity, messages) == (self.problem_severity, self._problem_messages):
            return
        self.problem_severity, self._problem_messages = severity, messages
        self._update_tooltip()
        self.update()

    def set_live_counts(self, counts: tuple[int, int] | None) -> None:
        """(waiting, passed) on a live journey; None hides the line."""
        counts = None if counts is None else (int(counts[0]), int(counts[1]))
        if counts == self.live_counts:
            return
        self.live_counts = counts
        self._layout_texts()
        self._update_tooltip()
        self.update()

    def set_results(self, lines: tuple[str, ...] | None) -> None:
        """The step's figures on the card (Results overlay); None: its summary again."""
        lines = None if lines is None else tuple(lines)
        if lines == self.results:
            return
        self.results = lines
        self._layout_texts()
        self._update_tooltip()
        self.update()

    def set_winner(self, port: str | None) -> None:
        """The winning port of this step's A/B test (a star before its label), or None."""
        if port != self.winner:
            self.winner = port
            self._layout_texts()
            self._update_tooltip()
            self.update()

    def waiting_hit(self, point: QPointF) -> bool:
        """Is `point` (item coordinates) on the "N waiting" line, with N > 0?"""
        if self.live_counts is None or self.live_counts[0] <= 0 or self._live is None:
            return False
        top = SUMMARY_TOP + (SUMMARY_LINES - 1) * SUMMARY_LINE_HEIGHT
        return QRectF(0, top - 2, NODE_WIDTH, SUMMARY_LINE_HEIGHT + 4).contains(point)

    def set_path_step(self, step: int | None) -> None:
        """This card is step `step` (1, 2, …) of the highlighted path; None: it is not."""
        if step != self.path_step:
            self.path_step = step
            self.update()

    def set_drop_state(self, state: str | None) -> None:
        if state != self.drop_state:
            self.drop_state = state
            self.update()

    def _update_tooltip(self) -> None:
        content = self.content
        parts = [f"<b>{content.title}</b>", content.summary or content.description]
        if self.live_counts is not None:
            parts.append(f"Live now: {live_text(*self.live_counts)}")
        if self.results is not None:
            parts.append("Results (30 days): " + " · ".join(self.results))
        if self.winner is not None:
            won = next((p.label for p in content.ports if p.key == self.winner), self.winner)
            parts.append(f"★ A/B test winner: {won}")
        if self._problem_messages:
            parts.append("<br>".join(f"• {m}" for m in self._problem_messages))
        self.setToolTip("<p style='white-space:pre-wrap'>" + "<br>".join(parts) + "</p>")

    # ---- geometry ----------------------------------------------------------------------------

    def card_rect(self) -> QRectF:
        return QRectF(0, 0, NODE_WIDTH, self._height)

    def boundingRect(self) -> QRectF:
        # room for the halo, the shadow, the problem badge over the top-right corner and the
        # path's step number over the top-left one
        edge = BADGE_RADIUS + 4
        return QRectF(-edge, -edge, NODE_WIDTH + 2 * edge, self._height + edge + 8)

    def shape(self) -> QPainterPath:
        return self._card_path

    def output_anchor(self, key: str) -> QPointF:
        """Where a link from output `key` starts, in scene coordinates."""
        port = self.ports.get(key)
        return self.mapToScene(port.pos() if port else QPointF(*output_port_pos(0, 1, self.flow)))

    def input_anchor(self) -> QPointF:
        return self.mapToScene(QPointF(*input_port_pos(self.flow)))

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange and self.scene():
            return self.scene().snapped(self, value)
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.out_edges.values():
                edge.update_path()
            for edge in self.in_edges:
                edge.update_path()
        return super().itemChange(change, value)

    # ---- painting ----------------------------------------------------------------------------

    def hoverEnterEvent(self, event) -> None:
        self._hovered = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hovered = False
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        style = canvas_style()
        look = style.category(self.content.category)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        rect = self.card_rect()
        selected = self.isSelected()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, lod >= LOD_BLOCK)
        if lod < LOD_BLOCK:
            if selected:
                painter.setPen(style.card_selected)
            else:
                painter.setPen(style.path_block_pen if self.path_step else Qt.PenStyle.NoPen)
            painter.setBrush(look.brush)
            painter.drawRoundedRect(rect, RADIUS, RADIUS)
            return

        if selected or self.path_step:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.selection_halo if selected else style.path_halo)
            painter.drawRoundedRect(rect.adjusted(-5, -5, 5, 5), RADIUS + 4, RADIUS + 4)
        elif lod >= LOD_SIMPLE:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.shadow)
            painter.drawRoundedRect(rect.translated(0, 2).adjusted(-1, 0, 1, 1), RADIUS, RADIUS)

        painter.setPen(self._border_pen(style, selected, lod))
        painter.setBrush(style.card)
        painter.drawRoundedRect(rect, RADIUS, RADIUS)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(look.brush)
        painter.drawPath(_STRIP)
        if len(self.content.ports) > 1 and lod >= LOD_SIMPLE:
            painter.setPen(style.ports_divider)
            painter.drawLine(QPointF(1, BODY_HEIGHT), QPointF(NODE_WIDTH - 1, BODY_HEIGHT))

        tile = QRectF(PADDING, (HEADER_HEIGHT - ICON_TILE) / 2 + STRIP / 2, ICON_TILE, ICON_TILE)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(look.soft_brush)
        painter.drawRoundedRect(tile, 7, 7)
        if lod >= LOD_SIMPLE:
            scale = lod * (widget.devicePixelRatioF() if widget else 1.0)
            pixmap = icon_pixmap(self.content.icon, look.color, scale)
            inset = (ICON_TILE - ICON_SIZE) / 2
            painter.drawPixmap(
                QRectF(tile.x() + inset, tile.y() + inset, ICON_SIZE, ICON_SIZE),
                pixmap,
                QRectF(pixmap.rect()),
            )

        painter.setFont(style.title_font)
        painter.setPen(style.text)
        title_y = tile.center().y() - style.title_metrics.height() / 2
        painter.drawStaticText(QPointF(TITLE_X, title_y), self._title)
        if lod >= LOD_SIMPLE:
            painter.setFont(style.summary_font)
            painter.setPen(style.live_text if self.results is not None else style.text_muted)
            for index, line in enumerate(self._summary):
                painter.drawStaticText(
                    QPointF(PADDING, SUMMARY_TOP + index * SUMMARY_LINE_HEIGHT), line
                )
            if self._live is not None:
                self._paint_live(painter, style)
            painter.setFont(style.port_font)
            painter.setPen(style.text_muted)
            for text, point in self._port_labels:
                painter.drawStaticText(point, text)
        if self.problem_severity:
            self._paint_badge(painter, style)
        if self.path_step:
            self._paint_step(painter, style)

    def _paint_live(self, painter: QPainter, style: CanvasStyle) -> None:
        top = SUMMARY_TOP + (SUMMARY_LINES - 1) * SUMMARY_LINE_HEIGHT
        middle = top + style.summary_metrics.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.live_dot)
        painter.drawEllipse(QPointF(PADDING + 3.5, middle), 3.5, 3.5)
        painter.setFont(style.live_font)
        painter.setPen(style.live_text)
        painter.drawStaticText(
            QPointF(PADDING + LIVE_TEXT_X, middle - style.live_metrics.height() / 2), self._live
        )

    def _paint_step(self, painter: QPainter, style: CanvasStyle) -> None:
        centre = QPointF(2, 2)
        radius = BADGE_RADIUS + 1
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.card)
        painter.drawEllipse(centre, radius + 2, radius + 2)
        painter.setBrush(style.path_badge)
        painter.drawEllipse(centre, radius, radius)
        painter.setPen(style.path_badge_text)
        painter.setFont(style.badge_font)
        box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(self.path_step))

    def _border_pen(self, style: CanvasStyle, selected: bool, lod: float):
        if self.drop_state == "ok":
            return style.card_target_ok
        if self.drop_state == "bad":
            return style.card_target_bad
        if selected:
            return style.card_selected
        if self.path_step:
            return style.path_far_pen if lod < PATH_FAR_ZOOM else style.path_pen
        return style.card_hover_border if self._hovered else style.card_border

    def _paint_badge(self, painter: QPainter, style: CanvasStyle) -> None:
        centre = QPointF(NODE_WIDTH - 2, 2)
        color = style.error if self.problem_severity == "error" else style.warning
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.card)
        painter.drawEllipse(centre, BADGE_RADIUS + 2, BADGE_RADIUS + 2)
        painter.setBrush(color)
        painter.drawEllipse(centre, BADGE_RADIUS, BADGE_RADIUS)
        painter.setPen(style.on_accent)
        painter.setFont(style.badge_font)
        box = QRectF(centre.x() - BADGE_RADIUS, centre.y() - BADGE_RADIUS, 2 * BADGE_RADIUS,
                     2 * BADGE_RADIUS)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "!")
