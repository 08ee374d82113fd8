"""Settings ▸ Brand: the brand kit every block email is drawn with.

Contract:
- `BrandSection()`; `show_kit(kit, sender_address)` fills the form from a `BrandKit`
  (the sender's postal address is the footer address's placeholder: used when it is
  empty). Being shown emits `refresh_requested()` (the owner reads the kit and calls
  `show_kit`).
- Fields: logo (https address) and its width, the colours (page, email, text, headings,
  links, button, button text) each with a swatch and a picker, the font stack, the
  button shape, the footer address. Under the colours, the contrast of each pair that
  must be read (text, headings and links on the email background, button text on the
  button) against WCAG AA's 4.5:1, updated as they are typed.
- "Save brand" emits `save_requested({field: value})` with every field; the owner checks
  and stores it and answers `show_saved(text)` or `show_error(text)`. "Reset to
  defaults" emits `reset_requested()`.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.blocks.brand import FONT_STACKS, BrandKit
from engine.blocks.checks import AA, contrast
from widgets.page_parts import Card

COLORS = ("background", "content_background", "text_color", "heading_color", "link_color",
          "button_color", "button_text_color")
PAIRS = (("Text", "text_color", "content_background"),
         ("Headings", "heading_color", "content_background"),
         ("Links", "link_color", "content_background"),
         ("Button text", "button_text_color", "button_color"))
SHAPES = {"square": "Square corners", "rounded": "Rounded corners", "pill": "Pill"}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def contrast_words(name: str, ratio: float) -> str:
    verdict = "passes WCAG AA" if ratio >= AA else f"under WCAG AA's {AA}:1: hard to read"
    return f"{name}: {ratio:.1f}:1 — {verdict}"


class BrandSection(QWidget):
    refresh_requested = Signal()
    save_requested = Signal(dict)
    reset_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        fields = BrandKit.model_fields
        self.logo = QLineEdit(placeholderText="https://yourshop.com/logo.png (empty: the shop name)")
        self.logo_width = QSpinBox(minimum=40, maximum=600, suffix=" px")
        self.colors: dict[str, QLineEdit] = {}
        self.swatches: dict[str, QPushButton] = {}
        self.font = QComboBox(editable=True)
        for label, stack in FONT_STACKS.items():
            self.font.addItem(label, stack)
        self.shape = QComboBox()
        for value, label in SHAPES.items():
            self.shape.addItem(label, value)
        self.footer = QLineEdit()
        self.hints = QLabel(objectName="muted", wordWrap=True)
        self.status = QLabel(wordWrap=True)
        self.save = QPushButton("Save brand")
        self.save.setProperty("primary", True)
        self.reset = QPushButton("Reset to defaults")
        self.save.clicked.connect(lambda: self.save_requested.emit(self.values()))
        self.reset.clicked.connect(self.reset_requested)

        look = Card()
        look.body.addWidget(QLabel("Logo and type", objectName="cardTitle"))
        form = QFormLayout()
        form.addRow("Logo", self.logo)
        form.addRow("Logo width", self.logo_width)
        form.addRow("Font", self.font)
        form.addRow("Buttons", self.shape)
        form.addRow("Footer address", self.footer)
        look.body.addLayout(form)

        colours = Card()
        colours.body.addWidget(QLabel("Colours", objectName="cardTitle"))
        grid = QFormLayout()
        for name in COLORS:
            edit = QLineEdit()
            edit.setMaximumWidth(120)
            swatch = QPushButton()
            swatch.setFixedSize(34, 26)
            swatch.setToolTip("Pick a colour")
            swatch.clicked.connect(lambda _c=False, n=name: self._pick(n))
            edit.textChanged.connect(lambda _t, n=name: self._color_typed(n))
            row = QHBoxLayout()
            row.addWidget(swatch)
            row.addWidget(edit)
            row.addStretch(1)
            grid.addRow(fields[name].title, row)
            self.colors[name], self.swatches[name] = edit, swatch
        colours.body.addLayout(grid)
        colours.body.addWidget(self.hints)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.reset)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        intro = QLabel("How every block email looks: change it here and every email — in "
                       "previews, tests and sends — uses it at once.", objectName="muted",
                       wordWrap=True)
        layout.addWidget(intro)
        layout.addLayout(buttons)  # at the top: the form is taller than most windows
        layout.addWidget(look)
        layout.addWidget(colours)
        layout.addStretch(1)

    def refresh(self) -> None:
        self.refresh_requested.emit()

    def show_kit(self, kit: BrandKit, sender_address: str = "") -> None:
        self.logo.setText(kit.logo_url)
        self.logo_width.setValue(kit.logo_width)
        for name in COLORS:
            self.colors[name].setText(getattr(kit, name))
        index = self.font.findData(kit.font_stack)
        if index < 0:
            self.font.setEditText(kit.font_stack)
        else:
            self.font.setCurrentIndex(index)
        self.shape.setCurrentIndex(self.shape.findData(kit.button_shape))
        self.footer.setText(kit.footer_address)
        self.footer.setPlaceholderText(f"Empty: the sender's address ({sender_address})"
                                       if sender_address else "Your postal address")
        self.status.setText("")

    def values(self) -> dict:
        text = self.font.currentText()
        stack = self.font.currentData() if self.font.itemText(self.font.currentIndex()) == text \
            else text
        return {"logo_url": self.logo.text().strip(), "logo_width": self.logo_width.value(),
                **{n: e.text().strip() for n, e in self.colors.items()},
                "font_stack": stack or text, "button_shape": self.shape.currentData(),
                "footer_address": self.footer.text().strip()}

    def show_saved(self, text: str) -> None:
        self.status.setObjectName("muted")
        self.status.setText(text)

    def show_error(self, text: str) -> None:
        self.status.setObjectName("fieldError")
        self.status.setText(text)

    def _pick(self, name: str) -> None:
        chosen = QColorDialog.getColor(QColor(self.colors[name].text() or "#ffffff"), self)
        if chosen.isValid():
            self.colors[name].setText(chosen.name())

    def _color_typed(self, name: str) -> None:
        value = self.colors[name].text().strip()
        swatch = self.swatches[name]
        swatch.setStyleSheet(f"background: {value}; border: 1px solid #888; border-radius: 4px"
                             if _HEX.match(value) else "")
        self._show_contrast()

    def _show_contrast(self) -> None:
        lines = []
        for label, front, back in PAIRS:
            a, b = self.colors[front].text().strip(), self.colors[back].text().strip()
            if _HEX.match(a) and _HEX.match(b):
                lines.append(("⚠ " if contrast(a, b) < AA else "✓ ")
                             + contrast_words(label, contrast(a, b)))
        self.hints.setText("\n".join(lines))

    def contrast_lines(self) -> list[str]:
        return self.hints.text().splitlines()
