"""`JourneyEditor`: the whole journey builder in one widget — palette | canvas | inspector,
the problems below the canvas, and a small toolbar.

Contract:
- `JourneyEditor(document)` takes an `EditorDocument` (widgets/document_protocol.py: the
  part of `app.journey_document.JourneyDocument` it uses, declared, as widgets never
  import the app layer): `journey`, `bridge`, `undo_stack`, `problems()`,
  `current_problems()` (the last result, without forcing a pending check),
  `problems_changed`, `edit_refused`, and the intent methods (`add_node`,
  `insert_on_link`, `connect_ports`, `delete`, `move_nodes`, `copy`, `cut`, `paste`,
  `duplicate`, and the inspector's `set_node_config`, `set_node_title`, `set_settings`,
  `rename`).
- It wires the canvas's intents to the document (DESIGN §6) and the document's facts back
  to the canvas, inspector and problems list; it edits nothing itself.
- For its host: `save_requested()` (Ctrl+S), `node_double_clicked(id)` (e.g. open the
  email editor), `select_node(id)`, and the parts as attributes: `scene`, `view`,
  `node_palette`, `inspector`, `problems`, `canvas_actions` (CanvasActions), `toolbar`.
- Adding after a step: a palette double-click with one step selected, or a click on a
  "+" on a link or beside an unwired port, adds the chosen step after it and wires it in
  (`add_step_after(type_id, source, port)`; into a link, the steps after it move along to
  make room — widgets/canvas/placement.py), then selects it.
- A refused edit (a link the journey does not allow, a paste that does not fit) is said
  for a few seconds in the toolbar's message area.
- `set_live_counts({node_id: (waiting, passed)})`: on a live journey each card says how
  many contacts wait there and how many passed ({} clears it). `set_experiments({node_id:
  experiment})`: A/B test results in the inspector and the winner on its card.
  `highlight_path(ids,
  frame=False)` marks the path a walk-through took (steps numbered, links between
  consecutive steps in the path colour, the rest faded; `frame` brings it into view);
  `highlight_path([])` clears it.
- The toolbar's "Step figures" toggle emits `results_toggled(bool)`; the host reads the
  figures (off the GUI thread) and hands them to `set_results(figures | None)`: each card
  shows its figures and links are drawn thicker where more contacts flowed (see
  JourneyScene.set_results). `results_shown()` says whether the toggle is on.
- The palette ("Steps") and the inspector ("Settings") fold away with the toolbar's two
  panel buttons (`show_palette(bool)`, `show_inspector(bool)`, `panels_changed(palette,
  inspector)` for the host to remember), so the canvas gets the room on small screens.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from widgets.canvas.layout import tidy_positions
from widgets.canvas.minimap import Minimap
from widgets.canvas.placement import first_free_port, place_after
from widgets.canvas.scene import JourneyScene
from widgets.canvas.view import JourneyView
from widgets.canvas.view_actions import CanvasActions
from widgets.document_protocol import EditorDocument
from widgets.icons import icon
from widgets.inspector import Inspector
from widgets.palette import NodePalette
from widgets.problems_list import ProblemsList

MESSAGE_MS = 6000
SIDE_WIDTHS = (220, 320)


def _panel(widget: QWidget, name: str, margins=(0, 0, 0, 0)) -> QFrame:
    frame = QFrame(objectName=name)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(*margins)
    layout.setSpacing(0)
    layout.addWidget(widget)
    return frame


def _text_beside(bar: QToolBar, action: QAction) -> None:
    button = bar.widgetForAction(action)
    if isinstance(button, QToolButton):
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)


class JourneyEditor(QWidget):
    save_requested = Signal()
    node_double_clicked = Signal(str)
    #: a click on a step's "N waiting": list the contacts waiting there
    waiting_clicked = Signal(str)
    panels_changed = Signal(bool, bool)  # palette shown, inspector shown
    results_toggled = Signal(bool)  # the Results overlay switched on or off

    def __init__(self, document: EditorDocument, parent=None):
        super().__init__(parent)
        self.setObjectName("journeyEditor")
        self.document = document
        journey = document.journey
        self.scene = JourneyScene(journey, document.bridge, self)
        self.view = JourneyView(self.scene)
        self.minimap = Minimap(self.view)
        self.node_palette = NodePalette()
        self.inspector = Inspector(document)
        self.problems = ProblemsList()
        self.canvas_actions = CanvasActions(self.view, document.undo_stack, self)
        self.palette_toggle = self._panel_action("panel-left", "Steps",
                                                 "Show or hide the steps you can add")
        self.inspector_toggle = self._panel_action("panel-right", "Settings",
                                                   "Show or hide the settings of the selection")
        self.toolbar = self._build_toolbar()
        self._fitted = False
        self.framed = False  # the journey was framed readably once, after the first show
        # a child timer, not QTimer.singleShot(callable): it dies with the editor, so a
        # journey closed before the frame never runs it against its deleted cards
        self._frame_timer = QTimer(self, singleShot=True, interval=0)
        self._frame_timer.timeout.connect(self._frame_first)

        canvas = QWidget()
        canvas_layout = QVBoxLayout(canvas)
        canvas_layout.setContentsMargins(0, 0, 0, 0)
        canvas_layout.setSpacing(0)
        canvas_layout.addWidget(self.view, 1)
        canvas_layout.addWidget(_panel(self.problems, "problemsPanel"))
        palette_panel = _panel(self.node_palette, "palettePanel", (12, 14, 8, 8))
        inspector_panel = _panel(self.inspector, "inspectorPanel")
        main = QSplitter(Qt.Orientation.Horizontal)
        main.setChildrenCollapsible(False)
        main.addWidget(palette_panel)
        main.addWidget(canvas)
        main.addWidget(inspector_panel)
        main.setStretchFactor(1, 1)
        palette_panel.setMinimumWidth(180)
        inspector_panel.setMinimumWidth(280)
        main.setSizes([SIDE_WIDTHS[0], 800, SIDE_WIDTHS[1]])
        self.splitter = main
        self.palette_panel, self.inspector_panel = palette_panel, inspector_panel
        self.palette_toggle.toggled.connect(self._panels_toggled)
        self.inspector_toggle.toggled.connect(self._panels_toggled)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(main, 1)

        self._message_timer = QTimer(self, singleShot=True, interval=MESSAGE_MS)
        self._message_timer.timeout.connect(lambda: self.message.setText(""))
        self._wire()
        self._problems_changed(document.current_problems())

    # ---- parts ---------------------------------------------------------------------------

    def _panel_action(self, icon_name: str, text: str, tip: str) -> QAction:
        action = QAction(icon(icon_name), text, self, checkable=True, checked=True)
        action.setToolTip(tip)
        return action

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar(objectName="editorToolbar")
        bar.setIconSize(QSize(18, 18))
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        actions = self.canvas_actions
        bar.addAction(self.palette_toggle)
        _text_beside(bar, self.palette_toggle)
        bar.addSeparator()
        for action in (actions.undo, actions.redo):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(actions.zoom_out)
        self.zoom_label = QLabel("100 %", objectName="zoomLabel")
        self.zoom_label.setToolTip("Zoom: Ctrl+0 for 100 %, F to fit")
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(52)
        bar.addWidget(self.zoom_label)
        bar.addAction(actions.zoom_in)
        bar.addAction(actions.fit)
        bar.addSeparator()
        bar.addAction(actions.tidy)
        tidy_button = bar.widgetForAction(actions.tidy)
        if isinstance(tidy_button, QToolButton):
            tidy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            tidy_button.addAction(actions.tidy_right)
            tidy_button.addAction(actions.tidy_down)
            tidy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        bar.addAction(actions.snap)
        bar.addSeparator()
        bar.addAction(actions.delete)
        bar.addSeparator()
        # not "Results": the header's Results button opens the Results page beside it
        self.results_toggle = QAction(icon("chart"), "Step figures", self, checkable=True)
        self.results_toggle.setToolTip("Show each step's figures of the last 30 days on its "
                                       "card, and links as thick as the contacts who took them")
        self.results_toggle.toggled.connect(self.results_toggled)
        bar.addAction(self.results_toggle)
        _text_beside(bar, self.results_toggle)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.message = QLabel(objectName="editorMessage")
        bar.addWidget(self.message)
        bar.addSeparator()
        bar.addAction(self.inspector_toggle)
        _text_beside(bar, self.inspector_toggle)
        return bar

    def _wire(self) -> None:
        document, scene, view, actions = self.document, self.scene, self.view, self.canvas_actions
        scene.node_add_requested.connect(
            lambda type_id, pos: self._select_new([document.add_node(type_id, (pos.x(), pos.y()))])
        )
        scene.linked_node_add_requested.connect(
            lambda type_id, pos, source, port: self._select_new(
                [document.add_node(type_id, (pos.x(), pos.y()), (source, port))]
            )
        )
        scene.connect_requested.connect(document.connect_ports)
        scene.delete_requested.connect(document.delete)
        scene.nodes_move_requested.connect(document.move_nodes)
        scene.node_selection_changed.connect(self.inspector.show_nodes)
        scene.node_double_clicked.connect(self.node_double_clicked)
        scene.waiting_clicked.connect(self.waiting_clicked)
        self.node_palette.node_chosen.connect(self._palette_chosen)
        view.step_after_requested.connect(self.add_step_after)
        actions.copy_requested.connect(document.copy)
        actions.cut_requested.connect(document.cut)
        actions.paste_requested.connect(self._paste)
        actions.duplicate_requested.connect(lambda ids: self._select_new(document.duplicate(ids)))
        actions.tidy_requested.connect(self._tidy)
        actions.save_requested.connect(self.save_requested)
        document.problems_changed.connect(self._problems_changed)
        document.edit_refused.connect(self.show_message)
        self.problems.problem_activated.connect(self.select_node)
        view.zoom_changed.connect(lambda zoom: self.zoom_label.setText(f"{round(zoom * 100)} %"))

    # ---- reactions -----------------------------------------------------------------------

    def _select_new(self, node_ids: list) -> None:
        ids = [n for n in node_ids if n]
        if ids:
            self.scene.select_nodes(ids)
            self.view.setFocus()

    def _paste(self, at: QPointF | None) -> None:
        self._select_new(self.document.paste((at.x(), at.y()) if at is not None else None))

    def _tidy(self, direction: str) -> None:
        positions = tidy_positions(self.document.journey, direction)
        self.scene.set_flow(direction)  # a journey without links cannot show its flow
        self.document.move_nodes(positions, "Tidy layout")
        self.view.fit_to_view()

    def _label(self, node_id: str) -> str:
        journey = self.document.journey
        if not journey.has_node(node_id):
            return node_id
        return journey.node(node_id)["title"] or journey.spec(node_id).title

    def _problems_changed(self, problems: list) -> None:
        self.scene.set_problems(problems)
        self.problems.set_problems(problems, self._label)

    # ---- live counts, the walk-through's path, the side panels ------------------------------

    def set_live_counts(self, counts: dict) -> None:
        """{node_id: (waiting, passed)} on every card; {} clears them."""
        self.scene.set_live_counts(counts)

    def set_results(self, figures: dict | None) -> None:
        """The Results overlay's figures ({node_id: {...}}), None to clear it."""
        self.scene.set_results(figures)

    def results_shown(self) -> bool:
        return self.results_toggle.isChecked()

    def show_results(self, shown: bool) -> None:
        self.results_toggle.setChecked(shown)
    def set_experiments(self, experiments: dict) -> None:
        """{node_id: experiment (report JSON)}: the inspector shows live results, the cards
        of tests with a winner mark it; {} clears both."""
        self.inspector.set_experiments(experiments)
        self.scene.set_winners({node: e["winner"] for node, e in experiments.items()
                                if e.get("winner")})

    def highlight_path(self, node_ids: list, frame: bool = False) -> None:
        """Mark the steps a walk-through reached, in order; [] clears the mark. With
        `frame`, the view moves to show the path (readable, from its start)."""
        self.scene.highlight_path(node_ids)
        if frame and node_ids:
            self.view.fit_readable(node_ids)

    def show_palette(self, shown: bool) -> None:
        self.palette_toggle.setChecked(shown)

    def show_inspector(self, shown: bool) -> None:
        self.inspector_toggle.setChecked(shown)

    def _panels_toggled(self) -> None:
        palette, inspector = self.palette_toggle.isChecked(), self.inspector_toggle.isChecked()
        self.palette_panel.setVisible(palette)
        self.inspector_panel.setVisible(inspector)
        self.panels_changed.emit(palette, inspector)

    def select_node(self, node_id: str) -> None:
        """Select one step and bring it into view (a click in the problems list)."""
        self.scene.select_nodes([node_id])
        self.view.centre_on_node(node_id)
        self.view.setFocus()

    def _palette_chosen(self, type_id: str) -> None:
        """A palette double-click: after the one selected step (connected to it, into its
        first link when every port is wired), else in the middle of the view."""
        selected = self.scene.selected_node_ids()
        journey = self.document.journey
        spec = journey.registry.get(type_id)
        if len(selected) == 1 and spec.has_input:
            source = selected[0]
            ports = journey.spec(source).outputs(journey.config(source))
            port = first_free_port(journey, source) or (ports[0].key if ports else None)
            if port is not None:
                self.add_step_after(type_id, source, port)
                return
        self.view.add_at_centre(type_id)

    def add_step_after(self, type_id: str, source: str, port: str) -> str | None:
        """Add a step of `type_id` after `source`'s `port`, wired in, as one undo step; it
        is selected, so the next palette double-click goes after it."""
        journey = self.document.journey
        if not journey.has_node(source):
            return None
        place = place_after(journey, self.scene.flow, source, port, type_id)
        if place.target is None:
            node_id = self.document.add_node(type_id, place.pos, (source, port))
        else:
            node_id = self.document.insert_on_link(type_id, (source, port, place.target),
                                                   place.pos, place.moves)
        if node_id:
            self._select_new([node_id])
            self.view.ensureVisible(self.scene.nodes_rect([node_id]), 40, 40)
        return node_id

    def _frame_first(self) -> None:
        self.view.fit_readable()
        self.framed = True

    def show_message(self, text: str) -> None:
        self.message.setText(text[:1].upper() + text[1:])
        self._message_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.view.setFocus()
            self._frame_timer.start()  # once the layout gave the view its size
