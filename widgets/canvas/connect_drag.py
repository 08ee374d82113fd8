"""Dragging a link out of an output port: `ConnectDrag`, its draft curve and its hint.

Contract:
- `begin(port, pos)` / `move(pos)` / `finish(pos)` / `cancel()` are called by the port
  being dragged (and Escape). While dragging, a dashed curve follows the pointer; over a
  step, `journey.can_connect` (a pure query) decides: a valid target gets a green outline
  and the curve snaps to its input, an invalid one a red outline and, next to the pointer,
  the reason in words ("a trigger starts the journey; nothing can lead into it").
- Releasing on a valid step emits the scene's `connect_requested(source, port, target)`;
  on an invalid one nothing happens (the reason was on screen); on empty canvas the scene
  emits `new_step_requested(source, port, scene_pos)` so the view can offer a palette
  there. The drag itself never edits the journey.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from widgets.canvas.edge_item import link_end, link_path
from widgets.canvas.node_item import NodeItem
from widgets.canvas.port_item import PortItem
from widgets.canvas.style import canvas_style

if TYPE_CHECKING:
    from widgets.canvas.scene import JourneyScene

HINT_OFFSET = QPointF(16, 20)
HINT_PAD_X, HINT_PAD_Y = 10.0, 6.0
HINT_MAX_WIDTH = 320.0


class HintItem(QGraphicsItem):
    """A pill of text beside the pointer, the same size at every zoom."""

    def __init__(self):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(100)
        self._text = QStaticText()
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._ok = False
        self._rect = QRectF()

    def set_message(self, text: str, ok: bool) -> None:
        if text == self._text.text() and ok == self._ok:
            return
        self.prepareGeometryChange()
        self._ok = ok
        style = canvas_style()
        self._text.setText(text)
        self._text.setTextWidth(HINT_MAX_WIDTH)
        self._text.prepare(font=style.hint_font)
        size = self._text.size()
        self._rect = QRectF(
            HINT_OFFSET.x(), HINT_OFFSET.y(), size.width() + 2 * HINT_PAD_X,
            size.height() + 2 * HINT_PAD_Y,
        )

    def text(self) -> str:
        return self._text.text()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        style = canvas_style()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(style.hint_border)
        painter.setBrush(style.hint_ok_brush if self._ok else style.hint_bad_brush)
        painter.drawRoundedRect(self._rect, 8, 8)
        painter.setFont(style.hint_font)
        painter.setPen(style.hint_ok_text if self._ok else style.hint_bad_text)
        painter.drawStaticText(self._rect.topLeft() + QPointF(HINT_PAD_X, HINT_PAD_Y), self._text)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class ConnectDrag:
    def __init__(self, scene: JourneyScene):
        self.scene = scene
        self.port: PortItem | None = None
        self.target: NodeItem | None = None
        self._verdicts: dict[str, tuple[bool, str]] = {}
        self.draft = QGraphicsPathItem()
        self.draft.setZValue(50)
        self.hint = HintItem()

    @property
    def active(self) -> bool:
        return self.port is not None

    def begin(self, port: PortItem, pos: QPointF) -> None:
        self.port = port
        self._verdicts.clear()
        self.draft.setPen(canvas_style().draft_pen)
        self.scene.addItem(self.draft)
        self.move(pos)

    def verdict(self, target: NodeItem) -> tuple[bool, str]:
        """(ok, reason) for linking the dragged port to `target`, asked once per drag."""
        cached = self._verdicts.get(target.node_id)
        if cached is None:
            source = self.port.node.node_id
            answer = self.scene.journey.can_connect(source, self.port.key, target.node_id)
            cached = self._verdicts[target.node_id] = (answer.ok, answer.reason)
        return cached

    def move(self, pos: QPointF) -> None:
        if not self.active:
            return
        target = self.scene.node_at(pos, exclude=self.port.node)
        if target is not self.target:
            if self.target is not None:
                self.target.set_drop_state(None)
            self.target = target
        start = self.port.node.output_anchor(self.port.key)
        end = pos
        style = canvas_style()
        if target is None:
            self.draft.setPen(style.draft_pen)
            self._hide_hint()
        else:
            ok, reason = self.verdict(target)
            target.set_drop_state("ok" if ok else "bad")
            self.draft.setPen(style.draft_pen if ok else style.draft_bad_pen)
            if ok:
                end = link_end(target.input_anchor(), target.flow)
                self._show_hint(pos, f"Connect to “{target.content.title}”", True)
            else:
                self._show_hint(pos, _sentence(reason), False)
        self.draft.setPath(link_path(start, end, self.port.node.flow))

    def finish(self, pos: QPointF) -> None:
        if not self.active:
            return
        self.move(pos)
        source, port, target = self.port.node.node_id, self.port.key, self.target
        ok = target is not None and self.verdict(target)[0]
        self.cancel()
        if target is None:
            self.scene.new_step_requested.emit(source, port, pos)
        elif ok:
            self.scene.connect_requested.emit(source, port, target.node_id)

    def cancel(self) -> None:
        if self.target is not None:
            self.target.set_drop_state(None)
        self.target = None
        self.port = None
        if self.draft.scene() is not None:
            self.scene.removeItem(self.draft)
        self._hide_hint()

    def _show_hint(self, pos: QPointF, text: str, ok: bool) -> None:
        self.hint.set_message(text, ok)
        self.hint.setPos(pos)
        if self.hint.scene() is None:
            self.scene.addItem(self.hint)

    def _hide_hint(self) -> None:
        if self.hint.scene() is not None:
            self.scene.removeItem(self.hint)
