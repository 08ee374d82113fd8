"""`IconLabel`: a fixed-size widget that shows one icon from `widgets/icons.py`.

Contract: the icon is painted on every paint event, so token colours (e.g. "accent")
follow theme switches without any wiring.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from widgets.icons import icon


class IconLabel(QWidget):
    def __init__(self, name: str, size: int = 24, color: str | None = None, parent=None):
        super().__init__(parent)
        self._icon = icon(name, color)
        self.setFixedSize(QSize(size, size))

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        self._icon.paint(painter, self.rect())
