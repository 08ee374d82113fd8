"""Promote or roll back a canary: what happens, and where the contacts on their way go.

Contract: `CanaryEndDialog(verb, canary_version, live_version, parent=None)` with `verb`
"promote" or "rollback". It says what the verb does for new entrants and offers, for the
contacts on their way (on the live version when promoting, on the canary when rolling
back), "finish on the version they are on" (the default) or "move them" (steps with the
same id keep their contacts, timers included; contacts on a step the other version lacks
leave the journey). The confirm button emits `chosen(move: bool)`; the dialog does no
work itself (the app calls `accept()` when done, or `finish_failed(reason)`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)

PROMOTE, ROLLBACK = "promote", "rollback"


class CanaryEndDialog(QDialog):
    chosen = Signal(bool)

    def __init__(self, verb: str, canary_version: int, live_version: int, parent=None):
        super().__init__(parent)
        self.verb = verb
        promote = verb == PROMOTE
        self.setWindowTitle("Promote the canary" if promote else "Roll back the canary")
        if promote:
            what = (f"Version {canary_version} becomes the live version: every new entrant "
                    "goes to it.")
            on, to = live_version, canary_version
        else:
            what = (f"Every new entrant goes to version {live_version} again; version "
                    f"{canary_version} takes nobody new.")
            on, to = canary_version, live_version
        text = QLabel(what, wordWrap=True)
        self.keep = QRadioButton(f"Contacts on version {on} finish on it")
        self.move = QRadioButton(f"Move the contacts on version {on} to version {to} "
                                 "(same step where it exists there, else they leave)")
        group = QButtonGroup(self)
        for button in (self.keep, self.move):
            group.addButton(button)
        self.keep.setChecked(True)
        self.message = QLabel(objectName="muted", wordWrap=True)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm = self.buttons.addButton("Promote" if promote else "Roll back",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setProperty("primary", True)
        self.confirm.clicked.connect(lambda: self.chosen.emit(self.move.isChecked()))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (text, self.keep, self.move, self.message, self.buttons):
            layout.addWidget(widget)

    def set_busy(self) -> None:
        self.buttons.setEnabled(False)

    def finish_failed(self, reason: str) -> None:
        self.message.setText(f"Not done: {reason}")
        self.message.show()
        self.buttons.setEnabled(True)
