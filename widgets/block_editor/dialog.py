"""The block email dialog: the block editor beside the preview, with Undo and Redo.

Contract: `BlockEditorDialog(template, parent, send_test=False)` is an
`EmailEditorDialog` whose form is a `BlockEditor` (same signals, status, Send test and
live editing). `set_undo_stack(stack)` adds Undo and Redo buttons (Ctrl+Z, Ctrl+Shift+Z
anywhere in the dialog but a text field, where they undo the typing) that act on the
stack the edits go to: the journey's, or the saved template's own.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QToolButton

from engine.journey.data import EmailTemplate
from widgets.block_editor.editor import BlockEditor
from widgets.email_editor import EmailEditorDialog
from widgets.icons import icon


class BlockEditorDialog(EmailEditorDialog):
    def __init__(self, template: EmailTemplate, parent=None, *, send_test: bool = False):
        super().__init__(template, parent, send_test=send_test, editor=BlockEditor(template))
        self.resize(1500, 900)
        # blocks and their form need room; the preview's email is 680 px wide at most
        splitter = self.findChild(QSplitter)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([800, 700])
        self.undo_button = self.redo_button = None

    def set_undo_stack(self, stack) -> None:
        undo = stack.createUndoAction(self, "Undo")
        undo.setIcon(icon("undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = stack.createRedoAction(self, "Redo")
        redo.setIcon(icon("redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        for action in (undo, redo):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        self.undo_button, self.redo_button = QToolButton(), QToolButton()
        row = QHBoxLayout()
        for button, action in ((self.undo_button, undo), (self.redo_button, redo)):
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            row.addWidget(button)
        row.addStretch(1)
        layout = self.layout()
        layout.insertLayout(layout.count() - 1, row)  # above Close and Send test
        self.undo_action, self.redo_action = undo, redo
