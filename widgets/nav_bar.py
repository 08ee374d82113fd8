"""`NavBar`: the left navigation rail — the Trellis mark, then one button per page.

Contract:
- `add_item(key, icon_name, label, tooltip, at_bottom=False)` adds a checkable button;
  exactly one is checked at a time.
- `current_changed(key)` is emitted when the user picks an item (click or keyboard);
  `set_current(key)` checks an item without emitting.
- Up/Down move between items when one has keyboard focus (Qt does this for the buttons
  of an exclusive group), Tab reaches them; only keyboard focus draws the focus ring.
- `set_compact(True)` folds the rail to its icons (the labels move into the tooltips),
  giving the journey canvas the room; `set_compact(False)` unfolds it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from widgets.icon_label import IconLabel
from widgets.icons import icon

WIDTH = 216
COMPACT_WIDTH = 68
ICON_SIZE = 20
KEY_PROPERTY = "navKey"


class NavBar(QWidget):
    current_changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("navBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFixedWidth(WIDTH)
        self._buttons: dict[str, QPushButton] = {}
        self._labels: dict[str, str] = {}
        self._tooltips: dict[str, str] = {}
        self._compact = False
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)

        brand = QHBoxLayout()
        brand.setContentsMargins(8, 0, 0, 0)
        brand.setSpacing(10)
        brand.addWidget(IconLabel("trellis", 28, "accent"))
        self._brand_name = QLabel("Trellis", objectName="brandName")
        brand.addWidget(self._brand_name)
        brand.addStretch(1)

        self._top = QVBoxLayout()
        self._top.setSpacing(4)
        self._bottom = QVBoxLayout()
        self._bottom.setSpacing(4)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 18, 12, 14)
        layout.setSpacing(0)
        layout.addLayout(brand)
        layout.addSpacing(22)
        layout.addLayout(self._top)
        layout.addStretch(1)
        layout.addLayout(self._bottom)

    def add_item(
        self, key: str, icon_name: str, label: str, tooltip: str, at_bottom: bool = False
    ) -> None:
        button = QPushButton(icon(icon_name, "icon", "accent"), f"  {label}")
        button.setObjectName(f"nav_{key}")
        button.setProperty(KEY_PROPERTY, key)
        button.setCheckable(True)
        button.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        button.setToolTip(tooltip)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        # Focus by keyboard only, so the focus ring marks keyboard travel, not clicks.
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(lambda _checked=False, key=key: self.current_changed.emit(key))
        self._group.addButton(button)
        self._buttons[key] = button
        self._labels[key] = label
        self._tooltips[key] = tooltip
        if self._compact:
            button.setText("")
            button.setToolTip(f"{label}: {tooltip}")
        (self._bottom if at_bottom else self._top).addWidget(button)

    def keys(self) -> list[str]:
        return list(self._buttons)

    def button(self, key: str) -> QPushButton:
        return self._buttons[key]

    def current(self) -> str | None:
        checked = self._group.checkedButton()
        return checked.property(KEY_PROPERTY) if checked else None

    def set_current(self, key: str) -> None:
        self._buttons[key].setChecked(True)

    def is_compact(self) -> bool:
        return self._compact

    def set_compact(self, compact: bool) -> None:
        if compact == self._compact:
            return
        self._compact = compact
        self.setFixedWidth(COMPACT_WIDTH if compact else WIDTH)
        self._layout.setContentsMargins(*((10, 18, 10, 14) if compact else (12, 18, 12, 14)))
        self._brand_name.setVisible(not compact)
        for key, button in self._buttons.items():
            label, tooltip = self._labels[key], self._tooltips[key]
            button.setText("" if compact else f"  {label}")
            button.setToolTip(f"{label}: {tooltip}" if compact else tooltip)
