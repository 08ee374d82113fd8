"""What the canvas shows besides the journey: live counts on the cards, a walk-through's
path (visible in both themes), the side panels folding away, and a readable first view."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from tests.widgets.canvas_helpers import open_example
from widgets.canvas.style import PATH_DIM_OPACITY, canvas_style
from widgets.canvas.view import READABLE_ZOOM

PATH = ["trigger", "wait", "reminder", "day"]


def test_live_counts_show_on_every_card_and_clear(qtbot):
    document, editor = open_example(qtbot)
    lines = {item.node_id: len(item._summary) for item in editor.scene.node_items()}
    assert max(lines.values()) == 2
    editor.set_live_counts({"wait": (12, 1340), "reminder": (0, 800)})
    wait, day = editor.scene.node_item("wait"), editor.scene.node_item("day")
    assert wait.live_counts == (12, 1340)
    assert wait._live.text() == "12 waiting · 1,340 passed"  # laid out once, cached
    assert day.live_counts == (0, 0)  # a step nobody reached yet says so
    assert "Live now: 12 waiting · 1,340 passed" in wait.toolTip()
    # the summary gives its second line to the counts
    assert all(len(item._summary) == 1 for item in editor.scene.node_items())
    editor.view.viewport().grab()  # paints with the counts

    added = document.add_node("flow.delay", (0, 600))  # cards added later get them too
    assert editor.scene.node_item(added).live_counts == (0, 0)

    editor.set_live_counts({})
    assert wait.live_counts is None and "Live now" not in wait.toolTip()
    assert {n: len(editor.scene.node_item(n)._summary) for n in lines} == lines


def test_a_walk_through_path_is_numbered_linked_and_the_rest_fades(qtbot):
    document, editor = open_example(qtbot)
    editor.highlight_path(PATH)
    scene = editor.scene
    assert [scene.node_item(n).path_step for n in PATH] == [1, 2, 3, 4]
    assert scene.node_item("bought").path_step is None
    assert scene.node_item("bought").opacity() == PATH_DIM_OPACITY
    on_path = {edge.key for edge in scene._edges.values() if edge.on_path}
    assert on_path == {("trigger", "next", "wait"), ("wait", "timeout", "reminder"),
                       ("reminder", "next", "day")}
    assert scene.edge_item("wait", "event").opacity() == PATH_DIM_OPACITY
    assert scene.edge_item("wait", "timeout").opacity() == 1.0

    editor.highlight_path([])
    assert all(item.path_step is None and item.opacity() == 1.0 for item in scene.node_items())
    assert not any(edge.on_path or edge.opacity() != 1.0 for edge in scene._edges.values())


def _near(color: QColor, target: QColor, tolerance: int = 40) -> bool:
    return (abs(color.red() - target.red()) + abs(color.green() - target.green())
            + abs(color.blue() - target.blue())) < tolerance


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_path_stands_out_in_both_themes(qtbot, qapp, theme):
    from app.theme import apply_theme

    before = (qapp.palette(), qapp.styleSheet())
    apply_theme(qapp, theme)
    try:
        _document, editor = open_example(qtbot, size=(1100, 600))
        editor.view.fit_to_view()
        path_color = canvas_style().path

        def path_pixels() -> int:
            image = editor.view.viewport().grab().toImage()
            return sum(1 for y in range(0, image.height(), 3) for x in range(0, image.width(), 3)
                       if _near(image.pixelColor(x, y), path_color))

        assert path_pixels() == 0
        editor.highlight_path(PATH)
        assert path_pixels() > 100  # thick borders and links in a colour nothing else uses
        background = canvas_style().background
        contrast = abs(path_color.lightnessF() - background.lightnessF())
        assert contrast > 0.25  # against the canvas in this theme
    finally:
        qapp.setPalette(before[0])
        qapp.setStyleSheet(before[1])


def test_a_path_survives_edits_that_add_cards(qtbot):
    document, editor = open_example(qtbot)
    editor.highlight_path(PATH)
    added = document.add_node("flow.delay", (0, 600))
    assert editor.scene.node_item(added).opacity() == PATH_DIM_OPACITY
    document.undo_stack.undo()
    assert editor.scene.highlighted_path() == PATH
    assert editor.scene.node_item("wait").path_step == 2


def test_side_panels_fold_away_and_say_so(qtbot):
    _document, editor = open_example(qtbot)
    seen = []
    editor.panels_changed.connect(lambda palette, inspector: seen.append((palette, inspector)))
    width = editor.view.width()
    editor.palette_toggle.trigger()  # the toolbar's "Steps" button
    assert not editor.palette_panel.isVisible() and seen[-1] == (False, True)
    editor.show_inspector(False)
    assert not editor.inspector_panel.isVisible() and seen[-1] == (False, False)
    qtbot.waitUntil(lambda: editor.view.width() > width + 400, timeout=2000)
    editor.show_palette(True)
    editor.show_inspector(True)
    assert editor.palette_panel.isVisible() and editor.inspector_panel.isVisible()


def test_an_opened_journey_is_readable_from_its_start(qtbot):
    # a narrow canvas: the whole journey would need ~30 %, too small to read
    _document, editor = open_example(qtbot, size=(900, 700))
    editor.view.fit_readable()
    assert editor.view.zoom() == pytest.approx(READABLE_ZOOM)
    shown = editor.view.visible_rect()
    assert shown.contains(editor.scene.node_item("trigger").sceneBoundingRect())
    # a journey that fits at a readable zoom is shown whole, as "fit" does
    editor.resize(2600, 900)
    qtbot.waitUntil(lambda: editor.view.width() > 1800, timeout=2000)
    editor.view.fit_readable()
    assert editor.view.zoom() >= READABLE_ZOOM
    assert editor.view.visible_rect().contains(editor.scene.nodes_rect())


def test_clicking_n_waiting_asks_for_those_contacts(qtbot):
    from PySide6.QtCore import QPoint, QPointF, Qt

    from widgets.canvas.node_texts import SUMMARY_LINE_HEIGHT, SUMMARY_TOP
    from widgets.canvas.style import SUMMARY_LINES

    _document, editor = open_example(qtbot)
    editor.resize(1200, 900)
    editor.show()
    editor.set_live_counts({"wait": (12, 1340), "reminder": (0, 800)})
    line_y = SUMMARY_TOP + (SUMMARY_LINES - 1) * SUMMARY_LINE_HEIGHT + SUMMARY_LINE_HEIGHT / 2

    def click(node_id: str, y: float) -> None:
        item = editor.scene.node_item(node_id)
        editor.view.centerOn(item)
        point = editor.view.mapFromScene(item.mapToScene(QPointF(40, y)))
        qtbot.mouseClick(editor.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point))

    with qtbot.waitSignal(editor.waiting_clicked) as signal:
        click("wait", line_y)
    assert signal.args == ["wait"]
    # nobody waits at "reminder", and a click on a card's title is just a click
    with qtbot.assertNotEmitted(editor.waiting_clicked):
        click("reminder", line_y)
        click("wait", 12)
