"""`WelcomeCard`: the first thing a new Trellis shows — explore the demo shop, or start empty.

Contract:
- Two options side by side, each a tile with an icon, a title, a few words on what it
  gives and a button: "Explore the demo shop" (the primary one) emits
  `explore_requested()`, "Start empty" emits `start_empty_requested()`. The card does no
  work itself.
- `set_busy(text)` shows an indeterminate progress bar with `text` and disables both
  buttons while the owner works; `set_busy(None)` ends that. `show_message(text)` says
  something under the options (why the demo was not added…).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from widgets.icon_label import IconLabel
from widgets.icons import icon

TITLE = "Welcome to Trellis"
SUBTITLE = "How would you like to start?"
DEMO_TITLE = "Explore the demo shop"
DEMO_BODY = (
    "Juniper & Oak, a small coffee, tea and home-goods shop: 500 customers with three "
    "months of orders, and six proven journeys ready to try — Abandoned cart, Welcome "
    "series, Re-engagement and more. Nothing is published and no email is sent."
)
EMPTY_TITLE = "Start empty"
EMPTY_BODY = (
    "Bring your own contacts and build your first journey from a blank canvas or one of "
    "the proven starter journeys."
)
NOTE = ("The demo shop is only added to an empty database, so invented customers never "
        "mix with real ones.")
COLUMN_WIDTH = 760


def _label(text: str, name: str, align=Qt.AlignmentFlag.AlignLeft) -> QLabel:
    label = QLabel(text, objectName=name)
    label.setWordWrap(True)
    label.setAlignment(align | Qt.AlignmentFlag.AlignTop)
    return label


class _Option(QFrame):
    """One choice: icon tile, title, explanation, button."""

    def __init__(self, icon_name: str, title: str, body: str, button: QPushButton,
                 primary: bool):
        super().__init__(objectName="welcomeOption")
        self.setProperty("primary", primary)
        tile = QWidget(objectName="welcomeTile")
        tile.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        tile.setFixedSize(44, 44)
        tile_layout = QVBoxLayout(tile)
        tile_layout.setContentsMargins(0, 0, 0, 0)
        tile_layout.addWidget(IconLabel(icon_name, 24, "accent" if primary else "icon"), 0,
                              Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 20, 22, 20)
        layout.setSpacing(10)
        layout.addWidget(tile)
        layout.addWidget(_label(title, "cardTitle"))
        layout.addWidget(_label(body, "muted"), 1)
        layout.addSpacing(6)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)


class WelcomeCard(QWidget):
    explore_requested = Signal()
    start_empty_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("welcomeCard")
        self.explore_button = QPushButton(icon("shop", "on_accent"), f" {DEMO_TITLE}")
        self.explore_button.setProperty("primary", True)
        self.explore_button.clicked.connect(self.explore_requested)
        self.empty_button = QPushButton(icon("plus"), f" {EMPTY_TITLE}")
        self.empty_button.clicked.connect(self.start_empty_requested)
        self.progress = QProgressBar(textVisible=False)
        self.progress.setRange(0, 0)  # indeterminate: the demo reports no steps
        self.progress.hide()
        self.status = _label("", "muted", Qt.AlignmentFlag.AlignHCenter)
        self.status.hide()

        badge = QWidget(objectName="emptyBadge")
        badge.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        badge.setFixedSize(72, 72)
        badge_layout = QVBoxLayout(badge)
        badge_layout.setContentsMargins(0, 0, 0, 0)
        badge_layout.addWidget(IconLabel("trellis", 36, "accent"), 0, Qt.AlignmentFlag.AlignCenter)

        options = QHBoxLayout()
        options.setSpacing(16)
        options.addWidget(_Option("shop", DEMO_TITLE, DEMO_BODY, self.explore_button, True), 1)
        options.addWidget(_Option("plus", EMPTY_TITLE, EMPTY_BODY, self.empty_button, False), 1)

        column = QWidget()
        column.setMaximumWidth(COLUMN_WIDTH)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(0)
        column_layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignHCenter)
        column_layout.addSpacing(18)
        column_layout.addWidget(_label(TITLE, "emptyTitle", Qt.AlignmentFlag.AlignHCenter))
        column_layout.addSpacing(6)
        column_layout.addWidget(_label(SUBTITLE, "emptyBody", Qt.AlignmentFlag.AlignHCenter))
        column_layout.addSpacing(26)
        column_layout.addLayout(options)
        column_layout.addSpacing(18)
        column_layout.addWidget(self.progress)
        column_layout.addSpacing(8)
        column_layout.addWidget(self.status)
        column_layout.addWidget(_label(NOTE, "welcomeNote", Qt.AlignmentFlag.AlignHCenter))

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 100)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def set_busy(self, text: str | None) -> None:
        busy = text is not None
        self.explore_button.setEnabled(not busy)
        self.empty_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.show_message(text or "")

    def show_message(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
