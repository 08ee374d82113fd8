"""`JourneyView`: the window onto the canvas — zoom, pan, fit, drops, and the empty state.

Contract:
- Shows a `JourneyScene`. Wheel zooms around the pointer (`zoom_by`, clamped to
  `MIN_ZOOM`..`MAX_ZOOM`); middle-drag or Space+drag pans; left-drag on empty canvas draws
  a rubber band. `fit_to_view()` frames every step (never enlarging past 100 %);
  `fit_readable(ids=None)`, what an opened journey shows (and a walk-through's path),
  does the same for those steps unless the cards would be too small to read: then it
  shows their beginning at `READABLE_ZOOM` (the minimap and F show the rest),
  `reset_zoom()` returns to 100 % around the same centre, `centre_on_node(id)` brings a
  step into view. `zoom_changed(scale)` and `viewport_changed()` let the minimap follow.
- A node type dropped from the palette (`widgets/canvas/mime.py`) becomes the scene's
  `node_add_requested(type_id, top_left)`, the card centred under the pointer;
  `add_at_centre(type_id)` does the same in the middle of the view. A link dropped on
  empty canvas opens a `NodePicker` there; the choice becomes
  `linked_node_add_requested(type_id, top_left, source, port)`, its input at the drop.
  A click on a "+" (scene's `add_step_requested`) opens the picker too; the choice becomes
  `step_after_requested(type_id, source, port)`, placed and wired by the editor.
- The background is a quiet dot grid (cached, sparser when zoomed out); a journey with no
  steps shows "Drag a trigger here to start" in the middle of the view.
- Keyboard shortcuts are `QAction`s (widgets/canvas/view_actions.py); Escape cancels a
  drag in progress or clears the selection.
"""

from __future__ import annotations

import math
from typing import Iterable

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsView

from engine.nodes import Category
from widgets.canvas.mime import node_type_from
from widgets.canvas.node_picker import NodePicker
from widgets.canvas.scene import JourneyScene
from widgets.canvas.style import (
    BODY_HEIGHT,
    GRID,
    NODE_WIDTH,
    canvas_style,
    input_port_pos,
    snap,
)
from widgets.icons import icon

MIN_ZOOM, MAX_ZOOM = 0.1, 2.5
#: the smallest zoom at which a card's title and summary can be read comfortably
READABLE_ZOOM = 0.8
ZOOM_STEP = 1.2
FIT_MARGIN = 48.0
EMPTY_TITLE = "Drag a trigger here to start"
EMPTY_BODY = (
    "A trigger says who enters the journey: someone who left a cart, joined a list, "
    "or has a birthday. Pick one from Triggers on the left, or double-click it."
)


class JourneyView(QGraphicsView):
    zoom_changed = Signal(float)
    viewport_changed = Signal()
    step_after_requested = Signal(str, str, str)  # type_id, source, port

    def __init__(self, scene: JourneyScene, parent=None):
        super().__init__(scene, parent)
        self.journey_scene = scene
        self._pan_from: QPointF | None = None
        self._space_down = False
        self.setObjectName("journeyCanvas")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.horizontalScrollBar().valueChanged.connect(self.viewport_changed)
        self.verticalScrollBar().valueChanged.connect(self.viewport_changed)
        scene.new_step_requested.connect(self._offer_new_step)
        scene.add_step_requested.connect(self._offer_step_after)
        scene.content_changed.connect(self._content_changed)
        self._was_empty = scene.node_count() == 0
        self.centerOn(0, 0)

    # ---- zoom and pan ----------------------------------------------------------------------

    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, anchor_under_mouse: bool = False) -> None:
        target = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom() * factor))
        if math.isclose(target, self.zoom()):
            return
        if not anchor_under_mouse:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        ratio = target / self.zoom()
        self.scale(ratio, ratio)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self._zoomed()

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def reset_zoom(self) -> None:
        centre = self.visible_rect().center()
        self.resetTransform()
        self.centerOn(centre)
        self._zoomed()

    def fit_to_view(self) -> None:
        rect = self.journey_scene.nodes_rect()
        if rect.isNull():
            self.resetTransform()
            self.centerOn(NODE_WIDTH / 2, BODY_HEIGHT / 2)
        else:
            self.fitInView(
                rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN),
                Qt.AspectRatioMode.KeepAspectRatio,
            )
            if self.zoom() > 1.0 or self.zoom() < MIN_ZOOM:
                scale = min(1.0, max(MIN_ZOOM, self.zoom()))
                self.resetTransform()
                self.scale(scale, scale)
                self.centerOn(rect.center())
        self._zoomed()

    def fit_readable(self, node_ids: Iterable[str] | None = None) -> None:
        """Frame the steps `node_ids` (default: all) like `fit_to_view`, but never below
        `READABLE_ZOOM`: what does not fit then is shown from its start."""
        rect = self.journey_scene.nodes_rect(node_ids)
        if rect.isNull():
            if node_ids is None:
                self.fit_to_view()
            return
        self.fitInView(rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN),
                       Qt.AspectRatioMode.KeepAspectRatio)
        scale = min(1.0, max(READABLE_ZOOM, self.zoom()))
        self.resetTransform()
        self.scale(scale, scale)
        shown = self.visible_rect()
        framed = rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN)
        # along each axis: centred when it fits, else from its start (where triggers are)
        x = (framed.center().x() if framed.width() <= shown.width()
             else framed.left() + shown.width() / 2)
        y = (framed.center().y() if framed.height() <= shown.height()
             else framed.top() + shown.height() / 2)
        self.centerOn(x, y)
        self._zoomed()

    def centre_on_node(self, node_id: str) -> None:
        item = self.journey_scene.node_item(node_id)
        if item is not None:
            self.centerOn(item.sceneBoundingRect().center())

    def visible_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def centre_point(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())

    def _zoomed(self) -> None:
        self.zoom_changed.emit(self.zoom())
        self.viewport_changed.emit()
        self.resetCachedContent()  # the grid's spacing depends on the zoom

    def _pan(self, pos: QPointF) -> None:
        delta = pos - self._pan_from
        self._pan_from = pos
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(delta.x()))
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(delta.y()))

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(ZOOM_STEP ** steps, anchor_under_mouse=True)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        panning = event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and self._space_down
        )
        if panning:
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan(event.position())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self._restore_cursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            if self.journey_scene.connect_drag.active or self.journey_scene.mouseGrabberItem():
                self.journey_scene.cancel_drag()
            else:
                self.journey_scene.clearSelection()
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self._restore_cursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:
        self._space_down = False
        self._restore_cursor()
        super().focusOutEvent(event)

    def _restore_cursor(self) -> None:
        if self._space_down:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.viewport().unsetCursor()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.viewport_changed.emit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # a theme switch: the grid is cached
            self.resetCachedContent()
            self.viewport().update()

    # ---- drops and the new-step picker -----------------------------------------------------

    def _landing(self, centre: QPointF) -> QPointF:
        top_left = centre - QPointF(NODE_WIDTH / 2, BODY_HEIGHT / 2)
        if self.journey_scene.snap_to_grid:
            return QPointF(snap(top_left.x()), snap(top_left.y()))
        return top_left

    def dragEnterEvent(self, event) -> None:
        if node_type_from(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if node_type_from(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        type_id = node_type_from(event.mimeData())
        if type_id is None:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        where = self.mapToScene(event.position().toPoint())
        self.journey_scene.node_add_requested.emit(type_id, self._landing(where))
        self.setFocus()

    def add_at_centre(self, type_id: str) -> None:
        """Add a step of `type_id` in the middle of what the view shows (palette
        double-click), nudged down-right while that spot is taken."""
        centre = self.centre_point()
        while self.journey_scene.node_at(centre) is not None:
            centre += QPointF(2 * GRID, 2 * GRID)
        self.journey_scene.node_add_requested.emit(type_id, self._landing(centre))

    def _offer_new_step(self, source: str, port: str, where: QPointF) -> None:
        picker = NodePicker(self, exclude_triggers=True)
        top_left = where - QPointF(*input_port_pos(self.journey_scene.flow))
        if self.journey_scene.snap_to_grid:
            top_left = QPointF(snap(top_left.x()), snap(top_left.y()))
        picker.picked.connect(
            lambda type_id: self.journey_scene.linked_node_add_requested.emit(
                type_id, top_left, source, port
            )
        )
        picker.popup_at(self.viewport().mapToGlobal(self.mapFromScene(where)))

    def _offer_step_after(self, source: str, port: str, target: str, where: QPointF) -> None:
        """A "+" was clicked: pick a step, which goes after `source`'s `port` (into the
        link to `target` when there is one)."""
        picker = NodePicker(self, exclude_triggers=True)
        picker.picked.connect(lambda type_id: self.step_after_requested.emit(type_id, source,
                                                                             port))
        picker.popup_at(self.viewport().mapToGlobal(self.mapFromScene(where)))
        self.last_picker = picker

    # ---- painting --------------------------------------------------------------------------

    def _content_changed(self) -> None:
        empty = self.journey_scene.node_count() == 0
        if empty != self._was_empty:
            self._was_empty = empty
            self.viewport().update()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        style = canvas_style()
        painter.fillRect(rect, style.background)
        zoom = self.zoom()
        spacing = GRID * 2
        while spacing * zoom < 14:  # keep dots at least 14 screen pixels apart
            spacing *= 2
        pen = QPen(style.grid_dot, 1.6 / zoom if zoom < 1 else 1.6)
        pen.setCosmetic(zoom >= 1)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        left = math.floor(rect.left() / spacing) * spacing
        top = math.floor(rect.top() / spacing) * spacing
        points = [
            QPointF(left + i * spacing, top + j * spacing)
            for i in range(int(rect.width() / spacing) + 2)
            for j in range(int(rect.height() / spacing) + 2)
        ]
        painter.drawPoints(points)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.journey_scene.node_count():
            return
        style = canvas_style()
        painter.save()
        painter.resetTransform()
        area = QRectF(self.viewport().rect())
        box = QRectF(0, 0, min(460.0, area.width() - 48), 190.0)
        box.moveCenter(area.center())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(style.drop_zone_pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, 16, 16)
        badge = QRectF(0, 0, 52, 52)
        badge.moveCenter(QPointF(box.center().x(), box.top() + 46))
        look = style.category(Category.TRIGGER)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(look.soft)
        painter.drawEllipse(badge)
        icon("bolt", look.color.name()).paint(painter, badge.adjusted(13, 13, -13, -13).toRect())
        painter.setPen(style.text)
        painter.setFont(style.empty_title_font)
        painter.drawText(
            QRectF(box.left(), badge.bottom() + 12, box.width(), 28),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            EMPTY_TITLE,
        )
        painter.setPen(style.text_muted)
        painter.setFont(style.empty_body_font)
        painter.drawText(
            QRectF(box.left() + 28, badge.bottom() + 44, box.width() - 56, 60),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            EMPTY_BODY,
        )
        painter.restore()
