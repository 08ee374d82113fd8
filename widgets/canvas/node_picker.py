"""`NodePicker`: the small searchable palette that pops up where a link was dropped.

Contract: `NodePicker(parent, exclude_triggers=True)` is a pop-up (closes on Escape or a
click outside) holding a `NodePalette` whose search box has focus, so the marketer can
type "email" and press Enter. A pick emits `picked(type_id)` once and closes the pop-up;
closing without a pick emits nothing. `popup_at(global_pos)` shows it there, kept on
screen.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from widgets.palette import NodePalette

SIZE = (280, 380)


class NodePicker(QFrame):
    picked = Signal(str)

    def __init__(self, parent: QWidget, exclude_triggers: bool = True):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("nodePicker")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.palette_widget = NodePalette(exclude_triggers=exclude_triggers, pick_on_click=True)
        self.palette_widget.node_chosen.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(QLabel("Add the next step", objectName="cardTitle"))
        layout.addWidget(self.palette_widget, 1)
        self.resize(*SIZE)

    def popup_at(self, global_pos: QPoint) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        x, y = global_pos.x() + 8, global_pos.y() - 20
        if screen is not None:
            x = min(max(screen.left(), x), screen.right() - self.width())
            y = min(max(screen.top(), y), screen.bottom() - self.height())
        self.move(x, y)
        self.show()
        self.palette_widget.search.setFocus()

    def _chosen(self, type_id: str) -> None:
        self.close()
        self.picked.emit(type_id)
