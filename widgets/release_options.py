"""The publish dialog's "Who it goes to" part: a canary share and a guard on entry.

Contract:
- `ReleaseOptions(live_version, guard=None)`: "First to [N] % of new entrants" (1–50, a
  canary; offered only when there is a live version to run beside, `live_version` not
  None) and "Only contacts who match these rules, for now" with the rule builder,
  pre-filled with the guard in force (`guard`, condition data) so publishing again keeps
  it unless the marketer unticks it.
- `canary_percent()` → the percent, or None; `entry_guard()` → the condition data, or
  None (everyone). `canary_toggled(bool)` says when the canary choice changes (the dialog
  then keeps contacts on their version: a canary takes new entrants only).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from engine.runtime.release import MAX_PERCENT, MIN_PERCENT
from widgets.inspector.condition_editor import ConditionEditor

DEFAULT_PERCENT = 10
STARTER_RULE = {"match": "all", "rules": [{"kind": "field", "field": "country",
                                           "op": "equals", "value": None}]}


class ReleaseOptions(QWidget):
    canary_toggled = Signal(bool)

    def __init__(self, live_version: int | None, guard: dict[str, Any] | None = None,
                 parent=None):
        super().__init__(parent)
        self.live_version = live_version
        self._kept_guard: dict[str, Any] | None = None  # rules the editor cannot show
        self.canary = QCheckBox("Release it to a share of new entrants first (a canary)")
        self.percent = QSpinBox(minimum=MIN_PERCENT, maximum=MAX_PERCENT, value=DEFAULT_PERCENT,
                                suffix=" %")
        self.percent.setEnabled(False)
        if live_version is None:
            self.canary.setEnabled(False)
            self.canary.setToolTip("A canary runs beside a live version: publish this one to "
                                   "everyone first")
        percent_line = QHBoxLayout()
        percent_line.setContentsMargins(28, 0, 0, 0)
        percent_line.addWidget(QLabel("First to"))
        percent_line.addWidget(self.percent)
        rest = (f"of new entrants; the rest keep entering version {live_version}"
                if live_version is not None else "of new entrants")
        percent_line.addWidget(QLabel(rest, objectName="muted"), 1)
        self.canary.toggled.connect(self.percent.setEnabled)
        self.canary.toggled.connect(self.canary_toggled)

        self.only = QCheckBox("Only contacts who match these rules, for now")
        self.rules = ConditionEditor()
        self.kept = QLabel(objectName="muted", wordWrap=True)
        self.kept.hide()
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(28, 0, 0, 0)
        box_layout.addWidget(self.rules)
        box_layout.addWidget(self.kept)
        box.setEnabled(False)
        self.only.toggled.connect(box.setEnabled)
        self._show_guard(guard)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.canary)
        layout.addLayout(percent_line)
        layout.addWidget(self.only)
        layout.addWidget(box)

    def _show_guard(self, guard: dict[str, Any] | None) -> None:
        try:
            self.rules.set_value(guard or STARTER_RULE)
        except KeyError:  # a rule kind the builder does not offer: kept as it is
            self._kept_guard = guard
            self.rules.hide()
            self.kept.setText("The rules in force are kept as they are.")
            self.kept.show()
        self.only.setChecked(guard is not None)

    def canary_percent(self) -> int | None:
        return self.percent.value() if self.canary.isChecked() else None

    def entry_guard(self) -> dict[str, Any] | None:
        if not self.only.isChecked():
            return None
        return self._kept_guard if self._kept_guard is not None else self.rules.value()
