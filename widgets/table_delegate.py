"""`TableDelegate`: how every `DataTable` cell is painted.

Contract:
- Cells whose model returns a tone for `TONE_ROLE` (one of `widgets.tokens.TONES`) are
  drawn as a small pill ("● Live" on soft green) holding the display text; other cells
  are drawn by the style as usual.
- The row under the mouse is highlighted whole (the view's `hovered_row`, see
  `DataTable`), not just the cell under the pointer.
- A hairline separates rows; the last row has none, so it never doubles the card border.
- Colours come from the current theme at paint time.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from widgets import tokens
from widgets.table_model import TONE_ROLE

PILL_HEIGHT = 22
PILL_PADDING = 9
DOT = 6
DOT_GAP = 6
# where cell text starts: `QTableView::item { padding }` in the stylesheet plus the 3px
# text margin the style adds
CELL_PADDING = 17


def pill_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPixelSize(12)
    font.setWeight(QFont.Weight.DemiBold)
    return font


def pill_width(text: str, font: QFont) -> int:
    return PILL_PADDING * 2 + DOT + DOT_GAP + QFontMetrics(pill_font(font)).horizontalAdvance(text)


class TableDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        selected = option.state & QStyle.StateFlag.State_Selected
        if not selected and getattr(option.widget, "hovered_row", -1) == index.row():
            painter.fillRect(option.rect, tokens.color("surface_alt"))
        tone = index.data(TONE_ROLE)
        if tone:
            self._paint_pill(painter, option, index, tone)
        else:
            super().paint(painter, option, index)
        if index.row() < index.model().rowCount() - 1:
            painter.save()
            painter.setPen(QPen(tokens.color("border"), 1))
            bottom = option.rect.bottom() + 0.5
            painter.drawLine(
                QPointF(option.rect.left(), bottom), QPointF(option.rect.right() + 1, bottom)
            )
            painter.restore()

    def _paint_pill(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex, tone: str
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        if opt.widget is not None:  # row background, hover and selection
            opt.widget.style().drawControl(
                QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget
            )
        rect = QRectF(
            opt.rect.left() + CELL_PADDING,
            opt.rect.center().y() - PILL_HEIGHT / 2 + 1,
            pill_width(text, opt.font),
            PILL_HEIGHT,
        )
        foreground, background = tokens.tone_colors(tone)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(rect, PILL_HEIGHT / 2, PILL_HEIGHT / 2)
        painter.setBrush(foreground)
        dot_x = rect.left() + PILL_PADDING
        painter.drawEllipse(QRectF(dot_x, rect.center().y() - DOT / 2, DOT, DOT))
        painter.setPen(foreground)
        painter.setFont(pill_font(opt.font))
        text_rect = rect.adjusted(PILL_PADDING + DOT + DOT_GAP, 0, -PILL_PADDING, 0)
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text
        )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        if not index.data(TONE_ROLE):
            return hint
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        width = CELL_PADDING * 2 + pill_width(text, option.font)
        return QSize(max(hint.width(), width), max(hint.height(), PILL_HEIGHT + 8))
