"""Helpers for the canvas tests: documents, editors and real mouse gestures on the view.

`QTest.mouseMove` sends moves without a pressed button, which a QGraphicsScene ignores for
dragging items; `drag()` sends the same press / move / release events a mouse does.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"

Left = Qt.MouseButton.LeftButton


def normalised(document) -> dict:
    """A journey document as data, with nodes and edges in a fixed order: undo puts a
    removed step back at the end of the graph, which changes order but not the journey."""
    data = document.model_dump(mode="json")
    data["nodes"].sort(key=lambda n: n["id"])
    data["edges"].sort(key=lambda e: (e["source"], e["port"]))
    data["templates"].sort(key=lambda t: t["key"])
    return data


def show_editor(qtbot, document, size=(1500, 900)):
    from widgets.canvas.editor_widget import JourneyEditor

    editor = JourneyEditor(document)
    qtbot.addWidget(editor)
    editor.resize(*size)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.wait(5)  # the editor fits the journey once it is shown
    editor.view.fit_to_view()
    return editor


def open_example(qtbot, size=(1500, 900)):
    from app.journey_document import JourneyDocument

    document, problems = JourneyDocument.from_file(EXAMPLE, linter=None)
    assert document is not None, problems
    return document, show_editor(qtbot, document, size)


def _send(view, kind: QEvent.Type, scene_pos: QPointF, button, buttons, modifiers) -> None:
    local = QPointF(view.mapFromScene(scene_pos))
    global_pos = QPointF(view.viewport().mapToGlobal(local.toPoint()))
    event = QMouseEvent(kind, local, global_pos, button, buttons, modifiers)
    QApplication.sendEvent(view.viewport(), event)


def press(view, at: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    _send(view, QEvent.Type.MouseButtonPress, at, Left, Left, modifiers)


def move(view, to: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    _send(view, QEvent.Type.MouseMove, to, Qt.MouseButton.NoButton, Left, modifiers)


def release(view, at: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    _send(view, QEvent.Type.MouseButtonRelease, at, Left, Qt.MouseButton.NoButton, modifiers)


def drag(view, start: QPointF, end: QPointF, steps: int = 6) -> None:
    press(view, start)
    for i in range(1, steps + 1):
        move(view, start + (end - start) * (i / steps))
    release(view, end)


def card_centre(editor, node_id: str) -> QPointF:
    item = editor.scene.node_item(node_id)
    return item.mapToScene(item.card_rect().center())


def port_pos(editor, node_id: str, port: str) -> QPointF:
    return editor.scene.node_item(node_id).output_anchor(port)

