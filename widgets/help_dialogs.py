"""Help ▸ Getting started and Help ▸ Keyboard shortcuts.

Contract:
- `GettingStartedDialog(steps)` shows the first hour as numbered steps; each step is
  `GuideStep(key, title, text, button)` and a step with a `button` text emits
  `step_requested(key)` when it is clicked (the app does it: create the demo shop, open
  a journey, open the sending settings). `set_step_enabled(key, bool, text=None)` lets the
  app say a step is done or not possible yet. Non-modal; it stays open beside the window.
- `ShortcutsDialog(sections)` lists `(section, [(what, keys)])` in one searchable table
  (typing filters by action or key). The app builds the sections from the real actions,
  so the list cannot drift from what the keys do.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class GuideStep:
    key: str
    title: str
    text: str
    button: str = ""


class GettingStartedDialog(QDialog):
    step_requested = Signal(str)

    def __init__(self, steps: list[GuideStep], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Getting started with Trellis")
        self.setObjectName("gettingStarted")
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(14)
        intro = QLabel(
            "Your first hour: see a working shop, then make a journey your own. Nothing is "
            "sent until you publish a journey and set up an email server.", objectName="muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        for number, step in enumerate(steps, 1):
            layout.addWidget(self._step(number, step))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        layout.addWidget(close)
        self.resize(620, self.sizeHint().height())

    def _step(self, number: int, step: GuideStep) -> QWidget:
        row = QWidget(objectName="guideStep")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        badge = QLabel(str(number), objectName="guideNumber")
        badge.setFixedWidth(28)
        badge.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(badge)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(QLabel(step.title, objectName="cardTitle"))
        body = QLabel(step.text, objectName="muted")
        body.setWordWrap(True)
        texts.addWidget(body)
        layout.addLayout(texts, 1)
        if step.button:
            button = QPushButton(step.button)
            button.clicked.connect(lambda _checked=False, key=step.key: self.step_requested.emit(key))
            self.buttons[step.key] = button
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def set_step_enabled(self, key: str, enabled: bool, text: str | None = None) -> None:
        button = self.buttons.get(key)
        if button is not None:
            button.setEnabled(enabled)
            if text:
                button.setText(text)


class ShortcutsDialog(QDialog):
    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcutsDialog")
        self.search = QLineEdit(placeholderText="Find a shortcut")
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        for section, rows in sections:
            head = QTreeWidgetItem(self.tree, [section, ""])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for what, keys in rows:
                QTreeWidgetItem(head, [what, keys])
            head.setExpanded(True)
        self.tree.setItemsExpandable(False)
        self.tree.resizeColumnToContents(0)
        self.search.textChanged.connect(self._filter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        layout.addWidget(close)
        self.resize(520, 620)

    def rows(self) -> list[tuple[str, str, str]]:
        """(section, action, keys) of every row shown now."""
        shown = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            for j in range(head.childCount()):
                child = head.child(j)
                if not child.isHidden():
                    shown.append((head.text(0), child.text(0), child.text(1)))
        return shown

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            visible = 0
            for j in range(head.childCount()):
                child = head.child(j)
                match = not needle or needle in child.text(0).lower() \
                    or needle in child.text(1).lower()
                child.setHidden(not match)
                visible += match
            head.setHidden(visible == 0)
