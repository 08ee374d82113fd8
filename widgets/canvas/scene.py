"""`JourneyScene`: the journey's steps and links as graphics items, kept in step with it.

Contract:
- `JourneyScene(journey, bridge)` reads the journey (queries only) to build one `NodeItem`
  per step and one `EdgeItem` per link, then follows the bridge's signals (`node_added`,
  `edge_removed`, `nodes_moved`, `reset`…: `JourneyFacts`, widgets/document_protocol.py)
  to update exactly the items concerned, through one O(1) map id -> item (and
  (source, port) -> edge).
- Gestures never edit: they emit intents — `node_add_requested(type_id, pos)`,
  `linked_node_add_requested(type_id, pos, source, port)`,
  `add_step_requested(source, port, target, pos)` (a "+" on a link or beside an unwired
  port was clicked; `target` is "" for a port),
  `connect_requested(source, port, target)`, `new_step_requested(source, port, pos)` (a
  link dropped on empty canvas), `delete_requested(node_ids, edges)`,
  `nodes_move_requested({id: (x, y)})` (once, when a drag ends). Whoever owns the journey
  (the document) carries them out; the items follow when the journey reports the change.
- Facts for the widgets around: `node_selection_changed(ids)`, `node_double_clicked(id)`,
  `content_changed()` (steps added, removed or moved: minimap, empty state).
- `set_winners({id: port})` marks the winning path of A/B tests on their cards.
- `set_live_counts({id: (waiting, passed)})` (a click on "N waiting" emits
  `waiting_clicked(id)`) shows the counts of a live journey on every
  card (a step missing from the dict has 0 and 0; an empty dict clears them);
  `highlight_path([id, …])` marks a walk-through's path — its steps numbered in order,
  the links between consecutive steps drawn in the path colour, everything else faded —
  and `highlight_path([])` clears it. Both stay on cards added later (undo, paste).
- `set_results(figures | None)`: the Results overlay — each card shows its figures
  (engine.analytics.dashboard.canvas_figures: a plain dict, read by the host; the scene
  never reads the database) and links are drawn thicker where more contacts flowed
  (widgets/canvas/results_overlay.py); None clears it. It stays on items added later.
- `set_problems(problems)` puts validation badges on the cards; `snap_to_grid` makes drags
  move by whole grid steps; `flow` ("right" or "down", judged from the layout, see
  widgets/canvas/layout.py) says which card edges links leave from and arrive at.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Mapping, Sequence

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSceneMouseEvent

from engine.journey.model import Journey
from widgets.canvas.connect_drag import ConnectDrag
from widgets.canvas.edge_item import EdgeItem
from widgets.canvas.layout import infer_flow
from widgets.canvas.node_item import NodeContent, NodeItem
from widgets.canvas.port_item import PortItem
from widgets.canvas.results_overlay import card_lines, link_flows, link_width
from widgets.canvas.style import PATH_DIM_OPACITY, Flow, snap
from widgets.document_protocol import JourneyFacts

#: the canvas is practically unbounded; the view pans freely inside this
SCENE_EXTENT = 100_000.0
#: until its layout says otherwise (no links yet), a journey flows top to bottom: the
#: canvas sits between the palette and the inspector, and is taller than it is wide
DEFAULT_FLOW: Flow = "down"


class JourneyScene(QGraphicsScene):
    node_add_requested = Signal(str, QPointF)
    linked_node_add_requested = Signal(str, QPointF, str, str)
    connect_requested = Signal(str, str, str)
    new_step_requested = Signal(str, str, QPointF)
    add_step_requested = Signal(str, str, str, QPointF)  # source, port, target ("" none), at
    delete_requested = Signal(list, list)
    nodes_move_requested = Signal(dict)
    node_selection_changed = Signal(list)
    node_double_clicked = Signal(str)
    #: a click on a card's "N waiting" (live journeys): list those contacts
    waiting_clicked = Signal(str)
    content_changed = Signal()

    def __init__(self, journey: Journey, bridge: JourneyFacts, parent: QObject | None = None):
        super().__init__(parent)
        self.journey = journey
        self.flow: Flow = DEFAULT_FLOW
        self.snap_to_grid = True
        self.connect_drag = ConnectDrag(self)
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[tuple[str, str], EdgeItem] = {}
        self._press_positions: dict[str, QPointF] | None = None
        self._live: dict[str, tuple[int, int]] = {}
        self._results: dict[str, dict] | None = None
        self._winners: dict[str, str] = {}  # A/B tests with a winner: node -> port
        self._path: list[str] = []
        self._steps: dict[str, int] = {}  # node id -> its number on the path
        self.setSceneRect(-SCENE_EXTENT, -SCENE_EXTENT, 2 * SCENE_EXTENT, 2 * SCENE_EXTENT)
        bridge.node_added.connect(self._node_added)
        bridge.node_removed.connect(self._node_removed)
        bridge.edge_added.connect(self._edge_added)
        bridge.edge_removed.connect(self._edge_removed)
        bridge.config_changed.connect(self._content_changed)
        bridge.title_changed.connect(self._content_changed)
        bridge.nodes_moved.connect(self._nodes_moved)
        bridge.templates_changed.connect(self._templates_changed)
        bridge.reset.connect(self.rebuild)
        self.selectionChanged.connect(self._selection_changed)
        self.rebuild()

    # ---- queries ---------------------------------------------------------------------------

    def node_item(self, node_id: str) -> NodeItem | None:
        return self._nodes.get(node_id)

    def edge_item(self, source: str, port: str) -> EdgeItem | None:
        return self._edges.get((source, port))

    def node_items(self) -> Iterable[NodeItem]:
        return self._nodes.values()

    def edge_items(self) -> Iterable[EdgeItem]:
        return self._edges.values()

    def node_count(self) -> int:
        return len(self._nodes)

    def selected_node_ids(self) -> list[str]:
        return [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_edges(self) -> list[tuple[str, str, str]]:
        return [i.key for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def nodes_rect(self, node_ids: Iterable[str] | None = None) -> QRectF:
        """The scene rectangle the given cards (default: all) cover."""
        items = self._nodes.values() if node_ids is None else (
            self._nodes[n] for n in node_ids if n in self._nodes
        )
        rect = QRectF()
        for item in items:
            rect = rect.united(item.sceneBoundingRect())
        return rect

    def node_at(self, pos: QPointF, exclude: NodeItem | None = None) -> NodeItem | None:
        for item in self.items(pos):
            node = item.parentItem() if isinstance(item, PortItem) else item
            if isinstance(node, NodeItem) and node is not exclude:
                return node
        return None

    def content_for(self, node_id: str) -> NodeContent:
        data, spec = self.journey.node(node_id), self.journey.spec(node_id)
        return NodeContent(
            title=data["title"] or spec.title,
            summary=self.journey.summary(node_id),
            category=spec.category,
            icon=spec.icon,
            description=spec.description,
            ports=self.journey.ports(node_id),
            has_input=spec.has_input,
        )

    # ---- selection -------------------------------------------------------------------------

    def select_nodes(self, node_ids: Sequence[str]) -> None:
        wanted = [self._nodes[n] for n in node_ids if n in self._nodes]
        self.blockSignals(True)  # one selection_changed for the whole change, not one per item
        try:
            self.clearSelection()
            for item in wanted:
                item.setSelected(True)
        finally:
            self.blockSignals(False)
        self._selection_changed()

    def select_all(self) -> None:
        self.select_nodes(list(self._nodes))

    def request_delete_selection(self) -> None:
        nodes, edges = self.selected_node_ids(), self.selected_edges()
        if nodes or edges:
            self.delete_requested.emit(nodes, edges)

    def _selection_changed(self) -> None:
        self.node_selection_changed.emit(self.selected_node_ids())

    # ---- problems --------------------------------------------------------------------------

    def set_problems(self, problems: Iterable) -> None:
        """Badge each card with its worst problem; the tooltip lists them all."""
        by_node: dict[str, list] = defaultdict(list)
        for problem in problems:
            if problem.node_id is not None:
                by_node[problem.node_id].append(problem)
        for node_id, item in self._nodes.items():
            found = by_node.get(node_id)
            if not found:
                item.set_problems(None)
                continue
            severity = "error" if any(p.severity == "error" for p in found) else "warning"
            item.set_problems(severity, tuple(p.message for p in found))

    # ---- live counts and the walk-through's path ---------------------------------------------

    def set_live_counts(self, counts: Mapping[str, tuple[int, int]]) -> None:
        self._live = dict(counts)
        for node_id, item in self._nodes.items():
            item.set_live_counts(self._live.get(node_id, (0, 0)) if self._live else None)

    def live_counts(self) -> dict[str, tuple[int, int]]:
        return dict(self._live)

    def set_results(self, figures: Mapping[str, Mapping] | None) -> None:
        self._results = None if figures is None else {k: dict(v) for k, v in figures.items()}
        for item in self._nodes.values():
            self._show_results_on_node(item)
        self._show_results_on_edges()

    def results(self) -> dict[str, dict] | None:
        return None if self._results is None else dict(self._results)

    def _show_results_on_node(self, item: NodeItem) -> None:
        item.set_results(None if self._results is None
                         else card_lines(self._results.get(item.node_id)))

    def _show_results_on_edges(self) -> None:
        if self._results is None:
            for edge in self._edges.values():
                edge.set_flow_width(None)
            return
        flows = link_flows(self._results, [edge.key for edge in self._edges.values()])
        most = max(flows.values(), default=0)
        for edge in self._edges.values():
            edge.set_flow_width(link_width(flows[edge.key], most))
    def set_winners(self, winners: Mapping[str, str]) -> None:
        """{node_id: the winning port} of A/B tests that have one; the cards mark it."""
        self._winners = dict(winners)
        for node_id, item in self._nodes.items():
            item.set_winner(self._winners.get(node_id))

    def highlight_path(self, node_ids: Sequence[str]) -> None:
        self._path = list(dict.fromkeys(node_ids))
        self._steps = {node_id: index + 1 for index, node_id in enumerate(self._path)}
        for item in self._nodes.values():
            self._show_path_on_node(item)
        for edge in self._edges.values():
            self._show_path_on_edge(edge)

    def highlighted_path(self) -> list[str]:
        return list(self._path)

    def _show_path_on_node(self, item: NodeItem) -> None:
        step = self._steps.get(item.node_id)
        item.set_path_step(step)
        item.setOpacity(PATH_DIM_OPACITY if self._path and step is None else 1.0)

    def _show_path_on_edge(self, edge: EdgeItem) -> None:
        source = self._steps.get(edge.source.node_id)
        on_path = source is not None and self._steps.get(edge.target.node_id) == source + 1
        edge.set_on_path(on_path)
        edge.setOpacity(PATH_DIM_OPACITY if self._path and not on_path else 1.0)

    # ---- following the journey ---------------------------------------------------------------

    def rebuild(self) -> None:
        self.connect_drag.cancel()
        self.clear()
        self._nodes.clear()
        self._edges.clear()
        self.flow = infer_flow(self.journey, self.flow)
        for node_id in self.journey.node_ids():
            self._add_node_item(node_id)
        for edge in self.journey.edges():
            self._add_edge_item(*edge)
        self.content_changed.emit()

    def _add_node_item(self, node_id: str) -> NodeItem:
        item = NodeItem(node_id, self.content_for(node_id), self.flow)
        item.setPos(*self.journey.node(node_id)["pos"])
        if self._live:
            item.set_live_counts(self._live.get(node_id, (0, 0)))
        if self._results is not None:
            self._show_results_on_node(item)
        if node_id in self._winners:
            item.set_winner(self._winners[node_id])
        if self._path:
            self._show_path_on_node(item)
        self.addItem(item)
        self._nodes[node_id] = item
        return item

    def _add_edge_item(self, source: str, port: str, target: str) -> None:
        source_item, target_item = self._nodes[source], self._nodes[target]
        port_item = source_item.ports.get(port)
        edge = EdgeItem(source_item, port, port_item.label if port_item else port, target_item)
        if self._path:
            self._show_path_on_edge(edge)
        self.addItem(edge)
        self._edges[(source, port)] = edge
        source_item.out_edges[port] = edge
        target_item.in_edges.add(edge)
        if port_item:
            port_item.set_connected(True)
        if target_item.input_port:
            target_item.input_port.set_connected(True)
        if self._results is not None:
            self._show_results_on_edges()

    def _node_added(self, node_id: str) -> None:
        self._add_node_item(node_id)
        self.content_changed.emit()

    def _node_removed(self, node_id: str) -> None:
        item = self._nodes.pop(node_id, None)
        if item is not None:
            self.removeItem(item)
            self.content_changed.emit()

    def _edge_added(self, source: str, port: str, target: str) -> None:
        self._add_edge_item(source, port, target)

    def _edge_removed(self, source: str, port: str, target: str) -> None:
        edge = self._edges.pop((source, port), None)
        if edge is None:
            return
        edge.source.out_edges.pop(port, None)
        edge.target.in_edges.discard(edge)
        if port in edge.source.ports:
            edge.source.ports[port].set_connected(False)
        if edge.target.input_port:
            edge.target.input_port.set_connected(bool(edge.target.in_edges))
        self.removeItem(edge)

    def _content_changed(self, node_id: str) -> None:
        item = self._nodes.get(node_id)
        if item is None:
            return
        item.set_content(self.content_for(node_id))
        # port rows may have moved or been relabelled (a split's shares changed)
        for port, edge in list(item.out_edges.items()):
            port_item = item.ports.get(port)
            if port_item and edge.label != port_item.label:
                self._edge_removed(*edge.key)
                self._add_edge_item(node_id, port, edge.target.node_id)
            else:
                edge.update_path()

    def _templates_changed(self) -> None:
        # summaries of steps that use an email name it by its subject
        for node_id in self._nodes:
            if self.journey.spec(node_id).email is not None:
                self._content_changed(node_id)

    def _nodes_moved(self, positions: dict) -> None:
        for node_id, (x, y) in positions.items():
            item = self._nodes.get(node_id)
            if item is not None and (item.x(), item.y()) != (x, y):
                item.setPos(x, y)
        self.set_flow(infer_flow(self.journey, self.flow))
        self.content_changed.emit()

    def set_flow(self, flow: Flow) -> None:
        """Links leave to the right or downwards: every card moves its ports (a tidy
        layout sets it; moving steps around re-judges it from their positions)."""
        if flow == self.flow:
            return
        self.flow = flow
        for item in self._nodes.values():
            item.set_flow(flow)
        for edge in self._edges.values():
            edge.update_path()

    # ---- dragging cards --------------------------------------------------------------------

    def snapped(self, item: NodeItem, pos: QPointF) -> QPointF:
        """Where a dragged card lands: the drag's offset is snapped, not each card, so a
        group keeps its shape. Cards placed by the model are never snapped."""
        start = self._press_positions.get(item.node_id) if self._press_positions else None
        if start is None or not self.snap_to_grid:
            return pos
        return QPointF(start.x() + snap(pos.x() - start.x()), start.y() + snap(pos.y() - start.y()))

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mousePressEvent(event)
        grabber = self.mouseGrabberItem()
        if event.button() == Qt.MouseButton.LeftButton and isinstance(grabber, NodeItem):
            moving = [i for i in self.selectedItems() if isinstance(i, NodeItem)]
            self._press_positions = {i.node_id: i.pos() for i in [*moving, grabber]}

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self._press_positions is None or event.button() != Qt.MouseButton.LeftButton:
            return
        pressed, self._press_positions = self._press_positions, None
        moved = {
            node_id: (item.x(), item.y())
            for node_id, start in pressed.items()
            if (item := self._nodes.get(node_id)) is not None and item.pos() != start
        }
        if moved:
            self.nodes_move_requested.emit(moved)
            return
        node = self.node_at(event.scenePos())
        if node is not None and node.waiting_hit(node.mapFromScene(event.scenePos())):
            self.waiting_clicked.emit(node.node_id)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        node = self.node_at(event.scenePos())
        if node is not None and event.button() == Qt.MouseButton.LeftButton:
            self.node_double_clicked.emit(node.node_id)
        super().mouseDoubleClickEvent(event)

    def cancel_drag(self) -> None:
        """Escape: drop a link being dragged, or put dragged cards back where they were."""
        if self.connect_drag.active:
            grabber = self.mouseGrabberItem()
            self.connect_drag.cancel()
            if grabber is not None:
                grabber.ungrabMouse()
        elif self._press_positions is not None:
            pressed, self._press_positions = self._press_positions, None
            for node_id, start in pressed.items():
                if node_id in self._nodes:
                    self._nodes[node_id].setPos(start)
            grabber = self.mouseGrabberItem()
            if grabber is not None:
                grabber.ungrabMouse()
