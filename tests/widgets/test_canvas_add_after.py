"""Adding a step after another without dragging links: the "+" on every link and beside
every unwired port, and a palette double-click with a step selected. Each is one undo
step that wires the new step in (DESIGN §6)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from tests.widgets.canvas_helpers import normalised, open_example, press, release, show_editor
from widgets.canvas.node_picker import NodePicker


def visible_picker() -> NodePicker:
    pickers = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, NodePicker) and w.isVisible()]
    assert len(pickers) == 1
    return pickers[0]


def click(view, item) -> None:
    at = item.scenePos()
    press(view, at)
    release(view, at)


def test_the_plus_on_a_link_inserts_a_step_and_moves_the_rest_along(qtbot):
    document, editor = open_example(qtbot)
    journey = document.journey
    before = normalised(document.journey.to_document())
    discount_x = journey.node("discount")["pos"][0]
    plus = editor.scene.edge_item("reminder", "next").add_button
    assert plus.isVisible()
    click(editor.view, plus)
    visible_picker().palette_widget.node_chosen.emit("action.adjust_score")

    new = journey.target("reminder", "next")
    assert journey.node(new)["type"] == "action.adjust_score"
    assert journey.target(new, "next") == "day"
    assert journey.node(new)["pos"] == (780.0, 80.0)  # where the next step was
    assert journey.node("day")["pos"][0] > 780  # ... which moved along,
    assert journey.node("discount")["pos"][0] > discount_x  # with the steps after it
    assert journey.node("trigger")["pos"] == (0.0, 0.0)  # the steps before stay
    assert editor.scene.selected_node_ids() == [new]
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert normalised(document.journey.to_document()) == before
    document.undo_stack.redo()
    assert journey.target("reminder", "next") == new


def test_the_plus_beside_an_unwired_port_adds_the_next_step(qtbot):
    document, editor = open_example(qtbot)
    journey = document.journey
    port = editor.scene.node_item("discount").ports["next"]
    assert port.add_button.isVisible()
    assert not editor.scene.node_item("day").ports["next"].add_button.isVisible()  # wired
    click(editor.view, port.add_button)
    visible_picker().palette_widget.node_chosen.emit("flow.exit")
    new = journey.target("discount", "next")
    assert journey.node(new)["type"] == "flow.exit"
    x, _y = journey.node(new)["pos"]
    assert x > journey.node("discount")["pos"][0]  # along the flow, not on top
    assert not port.add_button.isVisible()
    assert document.undo_stack.count() == 1


def test_a_step_that_ends_the_journey_cannot_go_into_a_link(qtbot):
    document, editor = open_example(qtbot)
    before = normalised(document.journey.to_document())
    refused = []
    document.edit_refused.connect(refused.append)
    assert editor.add_step_after("flow.exit", "reminder", "next") is None
    assert refused and "ends the journey" in refused[0]
    assert normalised(document.journey.to_document()) == before
    assert document.undo_stack.count() == 0


def test_palette_double_click_adds_after_the_selected_step_and_chains(qtbot):
    document, editor = open_example(qtbot)
    journey = document.journey
    editor.select_node("discount")
    editor.node_palette.node_chosen.emit("flow.delay")  # what a double-click emits
    first = journey.target("discount", "next")
    assert journey.node(first)["type"] == "flow.delay"
    assert editor.scene.selected_node_ids() == [first]
    editor.node_palette.node_chosen.emit("action.send_email")
    second = journey.target(first, "next")
    assert journey.node(second)["type"] == "action.send_email"
    positions = {journey.node(n)["pos"] for n in journey.node_ids()}
    assert len(positions) == len(journey.node_ids())  # nothing dropped on top of another
    assert document.undo_stack.count() == 2


def test_palette_double_click_with_nothing_selected_adds_in_view(qtbot):
    from app.journey_document import JourneyDocument
    from engine.journey.model import Journey

    document = JourneyDocument(Journey("Blank"))
    editor = show_editor(qtbot, document)
    editor.node_palette.node_chosen.emit("trigger.event")
    (trigger,) = document.journey.node_ids()
    editor.node_palette.node_chosen.emit("flow.delay")  # the trigger is selected now
    (delay,) = [n for n in document.journey.node_ids() if n != trigger]
    assert document.journey.target(trigger, "next") == delay
