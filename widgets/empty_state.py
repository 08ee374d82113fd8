"""`EmptyState`: what a page shows instead of an empty table.

Contract: an icon in a soft accent circle, a title, and a short explanation (Qt rich text,
so `<code>` can name a command), centred in a column of readable width. It only explains;
it carries no buttons, and pages add actions next to it once those actions exist.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from widgets.icon_label import IconLabel

BADGE = 72
COLUMN_WIDTH = 580


def _centered_label(text: str, object_name: str) -> QLabel:
    label = QLabel(text, objectName=object_name)
    label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class EmptyState(QWidget):
    def __init__(self, icon_name: str, title: str, body: str, parent=None):
        super().__init__(parent)
        badge = QWidget(objectName="emptyBadge")
        badge.setFixedSize(BADGE, BADGE)
        badge.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        badge_layout = QVBoxLayout(badge)
        badge_layout.setContentsMargins(0, 0, 0, 0)
        badge_layout.addWidget(IconLabel(icon_name, 32, "accent"), 0, Qt.AlignmentFlag.AlignCenter)

        self.title = _centered_label(title, "emptyTitle")
        self.body = _centered_label(body, "emptyBody")
        self.body.setTextFormat(Qt.TextFormat.RichText)

        # Word-wrapped labels get their height from their width only when added without
        # alignment flags, so the column is centred by stretches around it instead.
        column = QWidget()
        column.setMaximumWidth(COLUMN_WIDTH)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(0)
        column_layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignHCenter)
        column_layout.addSpacing(20)
        column_layout.addWidget(self.title)
        column_layout.addSpacing(10)
        column_layout.addWidget(self.body)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 100)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)

    def set_text(self, title: str, body: str) -> None:
        self.title.setText(title)
        self.body.setText(body)
