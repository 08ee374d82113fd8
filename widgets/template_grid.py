"""The Templates page's grid: one card per email, its thumbnail above its name and home.

Contract:
- `TemplatesModel` is a list model over email entries (objects with `ident`, `name`,
  `subject`, `where`, `kind`, `used_by`); `ROW_ROLE` returns the entry. `set_rows()`
  replaces them and keeps every thumbnail already known (by `ident`), so a reload does
  not flash placeholders; `set_thumbnail(ident, QImage)` fills one in (unknown idents are
  ignored: the row may have gone in the meantime).
- `TemplateCardDelegate` paints a card: the thumbnail (a soft placeholder until it comes),
  the name in bold, where it lives ("Saved template" or "In Welcome series") muted, and
  a selection ring in the accent colour. Colours come from the current theme.
"""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate

from widgets import tokens
from widgets.email_thumbnail import THUMB_SIZE
from widgets.table_model import ROW_ROLE

CARD = QSize(THUMB_SIZE.width() + 24, THUMB_SIZE.height() + 76)
IMAGE_ROLE = Qt.ItemDataRole.UserRole + 10


class TemplatesModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Any] = []
        self._images: dict[str, QImage] = {}

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        idents = {row.ident for row in self.rows}
        self._images = {k: v for k, v in self._images.items() if k in idents}
        self.endResetModel()

    def set_thumbnail(self, ident: str, image: QImage) -> None:
        for number, row in enumerate(self.rows):
            if row.ident == ident:
                self._images[ident] = image
                index = self.index(number)
                self.dataChanged.emit(index, index, [IMAGE_ROLE])
                return

    def clear_thumbnails(self) -> None:
        """Forget every picture (they all changed: a new brand kit); placeholders until the
        new ones come."""
        self._images = {}
        if self.rows:
            self.dataChanged.emit(self.index(0), self.index(len(self.rows) - 1), [IMAGE_ROLE])

    def has_thumbnail(self, ident: str) -> bool:
        return ident in self._images

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name
        if role == ROW_ROLE:
            return row
        if role == IMAGE_ROLE:
            return self._images.get(row.ident)
        if role == Qt.ItemDataRole.ToolTipRole:
            used = (f"\nUsed by {', '.join(row.used_by)}" if row.used_by else "")
            return f"{row.name}\nSubject: {row.subject or '(none yet)'}\n{row.where}{used}"
        return None


class TemplateCardDelegate(QStyledItemDelegate):
    def sizeHint(self, _option, _index) -> QSize:
        return CARD

    def paint(self, painter: QPainter, option, index) -> None:
        row = index.data(ROW_ROLE)
        image: QImage | None = index.data(IMAGE_ROLE)
        rect = option.rect.adjusted(6, 6, -6, -6)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QPainterPath()
        card.addRoundedRect(rect, 10, 10)
        painter.fillPath(card, tokens.color("surface"))
        border = (tokens.color("accent") if selected
                  else tokens.color("border_strong") if hovered else tokens.color("border"))
        painter.setPen(QPen(border, 2 if selected else 1))
        painter.drawPath(card)

        picture = QRect(rect.left() + 6, rect.top() + 6, rect.width() - 12, THUMB_SIZE.height())
        if image is None or image.isNull():
            painter.fillRect(picture, tokens.color("surface_alt"))
            painter.setPen(tokens.color("text_faint"))
            painter.drawText(picture, Qt.AlignmentFlag.AlignCenter, "Preparing preview…")
        else:
            scaled = image.scaled(picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            top_left = picture.topLeft() + QRect(0, 0, picture.width() - scaled.width(), 0)\
                .topRight() / 2
            painter.drawImage(top_left, scaled)
            painter.setPen(QPen(tokens.color("border"), 1))
            painter.drawRect(QRect(top_left, scaled.size()))

        text = QRect(rect.left() + 10, picture.bottom() + 8, rect.width() - 20, 40)
        bold = QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        painter.setPen(tokens.color("text"))
        name = painter.fontMetrics().elidedText(row.name, Qt.TextElideMode.ElideRight,
                                                text.width())
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, name)
        painter.setFont(option.font)
        painter.setPen(tokens.color("accent_text") if row.kind == "saved"
                       else tokens.color("text_muted"))
        where = painter.fontMetrics().elidedText(row.where, Qt.TextElideMode.ElideRight,
                                                 text.width())
        painter.drawText(text.adjusted(0, 22, 0, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, where)
        painter.restore()


def make_grid() -> QListView:
    """A wrapping grid of cards that keeps the selection visible."""
    view = QListView(objectName="templateGrid")
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setMovement(QListView.Movement.Static)
    view.setUniformItemSizes(True)
    view.setSpacing(4)
    view.setFrameShape(QListView.Shape.NoFrame)
    view.setMouseTracking(True)
    view.setSelectionMode(QListView.SelectionMode.SingleSelection)
    view.setItemDelegate(TemplateCardDelegate(view))
    return view
