"""The canvas's commands as `QAction`s: shortcuts, tooltips and toolbar buttons in one place.

Contract:
- `CanvasActions(view, undo_stack, host)` creates every action once. Canvas actions
  (delete, copy, cut, paste, duplicate, select all, zoom, fit, snap) are shortcuts of the
  view itself, so typing in a form never deletes a step; undo, redo and save are shortcuts
  of `host` and its children (the whole editor).
- Actions emit intents, never edit: delete → the scene's `delete_requested`; copy, cut,
  paste, duplicate, save and tidy → this object's `copy_requested(ids)`,
  `cut_requested(ids)`, `paste_requested(pos | None)` (the pointer's scene position when
  it is over the canvas), `duplicate_requested(ids)`, `save_requested()`,
  `tidy_requested(direction)`. Undo and redo are the undo stack's own actions.
- Shortcuts: Delete/Backspace, Ctrl+C/X/V/D, Ctrl+A, Ctrl+= and Ctrl+-, Ctrl+0 (100 %),
  F (fit), Ctrl+Z, Ctrl+Shift+Z (and the platform's redo key), Ctrl+S.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QCursor, QKeySequence, QUndoStack
from PySide6.QtWidgets import QWidget

from widgets.canvas.view import JourneyView
from widgets.icons import icon

Key = QKeySequence.StandardKey


def _native(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


class CanvasActions(QObject):
    copy_requested = Signal(list)
    cut_requested = Signal(list)
    paste_requested = Signal(object)
    duplicate_requested = Signal(list)
    save_requested = Signal()
    tidy_requested = Signal(str)

    def __init__(self, view: JourneyView, undo_stack: QUndoStack, host: QWidget):
        super().__init__(view)
        self.view = view
        scene = view.journey_scene
        on_view = Qt.ShortcutContext.WidgetShortcut
        on_host = Qt.ShortcutContext.WidgetWithChildrenShortcut

        def action(text, slot, keys=(), icon_name=None, owner=view, context=on_view, tip=""):
            act = QAction(icon(icon_name), text, owner) if icon_name else QAction(text, owner)
            sequences = [QKeySequence(k) for k in keys]
            act.setShortcuts(sequences)
            act.setShortcutContext(context)
            shortcut = f" ({_native(sequences[0])})" if sequences else ""
            act.setToolTip(f"{tip or text}{shortcut}")
            act.triggered.connect(slot)
            owner.addAction(act)
            return act

        self.delete = action(
            "Delete", scene.request_delete_selection, (Key.Delete, Qt.Key.Key_Backspace), "trash",
            tip="Delete the selected steps and links",
        )
        self.copy = action("Copy", lambda: self._emit_ids(self.copy_requested), (Key.Copy,), "copy")
        self.cut = action("Cut", lambda: self._emit_ids(self.cut_requested), (Key.Cut,))
        self.paste = action("Paste", self._paste, (Key.Paste,))
        self.duplicate = action(
            "Duplicate", lambda: self._emit_ids(self.duplicate_requested), ("Ctrl+D",)
        )
        self.select_all = action("Select all", scene.select_all, (Key.SelectAll,))
        self.zoom_in = action("Zoom in", view.zoom_in, (Key.ZoomIn, "Ctrl+="), "zoom-in")
        self.zoom_out = action("Zoom out", view.zoom_out, (Key.ZoomOut,), "zoom-out")
        self.reset_zoom = action("Actual size", view.reset_zoom, ("Ctrl+0",), tip="Zoom to 100 %")
        self.fit = action("Fit", lambda: view.fit_readable(), ("F",), "fit",
                          tip="Frame the journey, never too small to read (the map shows all)")
        self.tidy = action(
            "Tidy", lambda: self.tidy_requested.emit(scene.flow), (), "tidy",
            tip="Tidy up: arrange the steps in layers, the way they flow now",
        )
        self.tidy_right = action(
            "Arrange left to right", lambda: self.tidy_requested.emit("right"), (), None,
        )
        self.tidy_down = action(
            "Arrange top to bottom", lambda: self.tidy_requested.emit("down"), (), None,
        )
        self.snap = action("Snap to grid", self._snap_toggled, (), "grid",
                           tip="Snap steps to the grid while dragging")
        self.snap.setCheckable(True)
        self.snap.setChecked(scene.snap_to_grid)

        self.undo = undo_stack.createUndoAction(host, "Undo")
        self.redo = undo_stack.createRedoAction(host, "Redo")
        redo_keys = [QKeySequence("Ctrl+Shift+Z")]
        redo_keys += [k for k in QKeySequence.keyBindings(Key.Redo) if k not in redo_keys]
        for act, icon_name, keys in (
            (self.undo, "undo", [QKeySequence(Key.Undo)]),
            (self.redo, "redo", redo_keys),
        ):
            act.setIcon(icon(icon_name))
            act.setShortcuts(keys)
            act.setShortcutContext(on_host)
            host.addAction(act)
        # no tooltips of our own: the stack names its actions ("Undo Add Delay"), and
        # buttons show that text as their tooltip
        self.save = action(
            "Save", self.save_requested.emit, (Key.Save,), owner=host, context=on_host
        )

    def _emit_ids(self, signal) -> None:
        ids = self.view.journey_scene.selected_node_ids()
        if ids:
            signal.emit(ids)

    def _paste(self) -> None:
        pointer = self.view.viewport().mapFromGlobal(QCursor.pos())
        inside = self.view.viewport().rect().contains(pointer)
        self.paste_requested.emit(self.view.mapToScene(pointer) if inside else None)

    def _snap_toggled(self, checked: bool) -> None:
        self.view.journey_scene.snap_to_grid = checked
