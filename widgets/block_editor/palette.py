"""The block palette: every kind of block a marketer can add, as a button to click or drag.

Contract: `BlockPalette()` shows one button per addable type (`engine.blocks.BLOCK_TITLES`
without the footer, which every email has once). A click emits `add_requested(type)`
(the editor adds it after the chosen block); dragging a button onto the block list
carries the type (`block_list.BLOCK_MIME`) and the list says where it landed.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.blocks import BLOCK_TITLES
from widgets.block_editor.block_list import TYPE_ICONS, block_mime
from widgets.icons import icon

ADDABLE = tuple(t for t in BLOCK_TITLES if t != "footer")
HINTS = {
    "heading": "A title line", "text": "Paragraphs with bold, italic, links and lists",
    "image": "A picture, with alt text and a link", "button": "A call to action",
    "divider": "A thin line", "spacer": "Empty space", "columns": "Two or three side by side",
    "products": "Cart, recommendations, alternatives or chosen products",
    "coupon": "A discount code issued for the contact", "social": "Links to your profiles",
}


class _PaletteButton(QPushButton):
    def __init__(self, block_type: str):
        super().__init__(icon(TYPE_ICONS[block_type]), " " + BLOCK_TITLES[block_type])
        self.block_type = block_type
        self.setToolTip(f"{HINTS[block_type]}. Click to add it after the chosen block, or "
                        "drag it into place.")
        self._pressed_at: QPoint | None = None

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._pressed_at = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if (self._pressed_at is not None and event.buttons() & Qt.MouseButton.LeftButton
                and (event.position().toPoint() - self._pressed_at).manhattanLength() > 8):
            self._pressed_at = None
            self.setDown(False)
            drag = QDrag(self)
            drag.setMimeData(block_mime(self.block_type))
            drag.setPixmap(self.grab())
            drag.exec(Qt.DropAction.CopyAction)
            return
        super().mouseMoveEvent(event)


class BlockPalette(QWidget):
    add_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        for number, block_type in enumerate(ADDABLE):
            button = _PaletteButton(block_type)
            button.setStyleSheet("text-align: left; padding-left: 8px")
            button.clicked.connect(lambda _c=False, t=block_type: self.add_requested.emit(t))
            grid.addWidget(button, number // 2, number % 2)
            self.buttons[block_type] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Add a block", objectName="cardTitle"))
        layout.addLayout(grid)
