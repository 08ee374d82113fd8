"""The release line of the editor header: a canary running beside the live version, the
guard on entry, and how the last canary ended.

Contract:
- `ReleaseBar()` is hidden until `set_state(state)` gets an
  `engine.runtime.release.ReleaseState` with something to show (None clears it).
- With a canary: "Version 4, 10 % of new entrants: 120 entered · 6 converted (5.0%)"
  beside the live version's figures over the same period ("beside version 3: …"), and
  the buttons Promote and Roll back. With a guard: "Only contacts who match: …, for now" and
  "Widen to everyone". After a canary was rolled back (and no new one runs): that fact
  and its reason.
- Intents: `promote_requested()`, `rollback_requested()`, `widen_requested()`; the bar
  does no work itself. `set_busy(bool)` disables its buttons while a verb runs.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.runtime.release import ReleaseState


def _line(*widgets) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(8)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


class ReleaseBar(QWidget):
    promote_requested = Signal()
    rollback_requested = Signal()
    widen_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("releaseBar")
        self.state: ReleaseState | None = None
        self.canary_pill = QLabel("Canary", objectName="statusPill")
        self.canary_pill.setProperty("tone", "warning")
        self.canary = QLabel(objectName="canaryFigures")
        self.live = QLabel(objectName="muted")
        self.promote = QPushButton("Promote")
        self.promote.setToolTip("Make the canary the live version for every new entrant")
        self.promote.clicked.connect(self.promote_requested)
        self.rollback = QPushButton("Roll back")
        self.rollback.setToolTip("Stop the canary: every new entrant goes to the live version")
        self.rollback.clicked.connect(self.rollback_requested)
        self.guard_pill = QLabel("For now", objectName="statusPill")
        self.guard_pill.setProperty("tone", "neutral")
        self.guard = QLabel()
        self.widen = QPushButton("Widen to everyone")
        self.widen.setToolTip("Remove the guard: everyone who matches the trigger may enter")
        self.widen.clicked.connect(self.widen_requested)
        self.ended = QLabel(objectName="muted")
        self.ended.setWordWrap(True)

        self._canary_row = QWidget()
        self._canary_row.setLayout(_line(self.canary_pill, self.canary, self.live,
                                         self.promote, self.rollback))
        self._guard_row = QWidget()
        self._guard_row.setLayout(_line(self.guard_pill, self.guard, self.widen))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(2)
        for widget in (self._canary_row, self._guard_row, self.ended):
            layout.addWidget(widget)
        self.set_state(None)

    def set_state(self, state: ReleaseState | None) -> None:
        self.state = state
        canary = state is not None and state.canary_running
        self._canary_row.setVisible(canary)
        if canary:
            self.canary.setText(
                f"Version {state.canary_version}, {state.canary_percent} % of new entrants: "
                f"{state.canary_figures.words()}")
            self.live.setText(f"beside version {state.live_version}: "
                              f"{state.live_figures.words()}")
        guard = state is not None and state.guard_words is not None
        self._guard_row.setVisible(guard)
        if guard:
            self.guard.setText(f"Only contacts who match: {state.guard_words}")
        last = state.last_canary if state is not None and not canary else None
        rolled_back = bool(last) and last.get("outcome") == "rolled_back"
        self.ended.setVisible(rolled_back)
        if rolled_back:
            reason = last.get("reason") or ""
            why = "" if reason in ("", "manual") else f": {reason}"
            self.ended.setText(f"The canary version {last.get('version')} was rolled back{why}")
        self.setVisible(canary or guard or rolled_back)

    def set_busy(self, busy: bool) -> None:
        for button in (self.promote, self.rollback, self.widen):
            button.setEnabled(not busy)
