"""`ProblemsList`: what still stands between the journey and publishing, in a list.

Contract:
- `set_problems(problems, label)` shows `engine.journey.validation.Problem`s, errors first, each
  as "Step name — message" (`label(node_id)` names the step; journey-wide problems say
  "Journey"). A summary line says "2 errors, 1 warning — fix the errors to publish" or
  "Ready to publish".
- Clicking (or activating) a problem that belongs to a step emits
  `problem_activated(node_id)`; the editor selects and centres that step.
"""

from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.words import plural
from widgets.icon_label import IconLabel
from widgets.icons import icon

NODE_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_ROWS = 4


class ProblemsList(QWidget):
    problem_activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("problemsList")
        self.summary = QLabel(objectName="problemsSummary")
        self._ok_icon = IconLabel("flag", 16, "success")
        self._error_icon = IconLabel("error", 16, "danger")
        self._warning_icon = IconLabel("warning", 16, "warning")
        head = QHBoxLayout()
        head.setContentsMargins(14, 8, 14, 8)
        head.setSpacing(8)
        for badge in (self._ok_icon, self._error_icon, self._warning_icon):
            head.addWidget(badge)
        head.addWidget(self.summary, 1)
        self.list = QListWidget(objectName="problemsTable")
        self.list.setIconSize(QSize(16, 16))
        self.list.setUniformItemSizes(True)
        self.list.itemClicked.connect(self._activated)
        self.list.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(head)
        layout.addWidget(self.list, 1)
        self.set_problems([], str)

    def set_problems(self, problems: Iterable, label: Callable[[str], str]) -> None:
        problems = sorted(problems, key=lambda p: p.severity != "error")
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        self.list.clear()
        for problem in problems:
            where = label(problem.node_id) if problem.node_id else "Journey"
            item = QListWidgetItem(
                icon("error" if problem.severity == "error" else "warning",
                     "danger" if problem.severity == "error" else "warning"),
                f"{where} — {problem.message}",
            )
            item.setData(NODE_ROLE, problem.node_id)
            item.setToolTip(
                f"{problem.message}\n\nClick to show the step." if problem.node_id
                else problem.message
            )
            self.list.addItem(item)
        self._ok_icon.setVisible(not problems)
        self._error_icon.setVisible(errors > 0)
        self._warning_icon.setVisible(errors == 0 and warnings > 0)
        if errors:
            parts = [plural(errors, "error")]
            if warnings:
                parts.append(plural(warnings, "warning"))
            self.summary.setText(f"{', '.join(parts)} — fix the errors to publish")
        elif warnings:
            count = plural(warnings, "warning")
            self.summary.setText(f"{count} — you can publish, but have a look")
        else:
            self.summary.setText("No problems — ready to publish")
        self.list.setVisible(bool(problems))
        # as tall as its rows, up to MAX_ROWS: no empty panel under a healthy journey
        rows = min(len(problems), MAX_ROWS)
        self.list.setFixedHeight(rows * self.list.sizeHintForRow(0) + 8 if rows else 0)

    def count(self) -> int:
        return self.list.count()

    def _activated(self, item: QListWidgetItem) -> None:
        node_id = item.data(NODE_ROLE)
        if node_id:
            self.problem_activated.emit(node_id)
