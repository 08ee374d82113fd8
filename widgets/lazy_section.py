"""`LazySection`: a settings section whose content is made the first time it is shown.

Contract: `LazySection(make)` holds nothing until `refresh()` (the Settings page calls it
when the section comes on screen); the first call builds `make()` (a QWidget) into it,
later calls pass `refresh()` on to that content when it has one. Sections whose content
reads the database or loads network libraries cost nothing at start-up this way.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazySection(QWidget):
    def __init__(self, make: Callable[[], QWidget], parent=None):
        super().__init__(parent)
        self._make = make
        self.content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(20)

    def refresh(self) -> None:
        if self.content is None:
            self.content = self._make()
            self._layout.addWidget(self.content)
            self._layout.addStretch(1)
            self.content.show()  # now, not at the next turn of the event loop
            return
        refresh = getattr(self.content, "refresh", None)
        if callable(refresh):
            refresh()
