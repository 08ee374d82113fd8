"""A one-line label that ends in "…" when it is narrower than its text.

Contract: `ElidedLabel(text="", **QLabel keywords)` is a QLabel (styles, object names and
`setText` as usual) that, when its layout gives it less width than its text needs,
paints the text cut at a whole character with "…" at the end and offers the whole text
as its tooltip; `is_elided()` and `shown_text()` say what is painted. A plain QLabel
cuts the text mid-glyph at its edge ("0 contacts i"); the layout still gives this one
its whole width whenever there is room (its size hint is its whole text).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel


class ElidedLabel(QLabel):
    def shown_text(self) -> str:
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             self.contentsRect().width())

    def is_elided(self) -> bool:
        return self.shown_text() != self.text()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        self.setToolTip(self.text() if self.is_elided() else "")

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        shown = self.shown_text()
        if shown == self.text():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        # the style draws it, so the style sheet's colour and the disabled look apply
        self.style().drawItemText(painter, self.contentsRect(),
                                  int(self.alignment() | Qt.AlignmentFlag.AlignVCenter),
                                  self.palette(), self.isEnabled(), shown,
                                  self.foregroundRole())
