"""The side form of the block editor: the fields of the chosen block.

Contract:
- `BlockForm.show_block(block)` shows the fields of `block` (None: a hint to choose one).
  Showing the same block again (it changed: an undo, a redo) updates the fields' values
  without emitting anything, and leaves the focus and cursor where they are.
- A change emits `edited(block_id, {field: value}, merge_key)`: at once for choices,
  boxes and numbers, after a typing pause (`TYPING_MS`) for text; `merge_key` is
  (block id, field) for text and numbers, so typing in one field is one undo step, and
  None for choices (each its own step). `flush()` emits a pending text edit now.
- Text fields take personalisation chips: `insert_text(text)` inserts at the cursor of
  the text field last focused (False when there is none: the block has no text).
  Multi-line text has Bold, Italic, Link and List buttons that write the block markup.
- A columns block's form adds blocks to a column: `insert_requested(type, Place)`.
- `show_error(text)` shows why the last edit was refused (the model's reason).
"""

from __future__ import annotations

import re
from typing import Any, Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.blocks import BLOCK_TITLES, Place
from widgets import tokens
from widgets.block_editor.fields import CHIP_FIELDS, FIELDS, SOCIAL
from widgets.block_editor.summaries import NETWORKS

TYPING_MS = 250
_CHIP = re.compile(r"\[\[[^\]]*\]\]")


class ChipHighlighter(QSyntaxHighlighter):
    """Shows personalisation chips as chips: on a soft accent background, in bold."""

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt name)
        chip = QTextCharFormat()
        chip.setBackground(QColor(tokens.color("accent_soft")))
        chip.setForeground(QColor(tokens.color("accent_text")))
        chip.setFontWeight(QFont.Weight.DemiBold)
        for match in _CHIP.finditer(text):
            self.setFormat(match.start(), match.end() - match.start(), chip)


class _Markup(QPlainTextEdit):
    def __init__(self):
        super().__init__()
        self.setTabChangesFocus(True)
        self.setMinimumHeight(140)
        self.chips = ChipHighlighter(self.document())


class BlockForm(QWidget):
    edited = Signal(str, dict, object)  # block id, changes, merge key
    insert_requested = Signal(str, object)  # block type, Place

    def __init__(self, parent=None):
        super().__init__(parent)
        self._block = None
        self._widgets: dict[str, Any] = {}
        self._setters: dict[str, Callable[[Any], None]] = {}
        self._pending: tuple[str, Any] | None = None
        self._text_target: QLineEdit | QPlainTextEdit | None = None
        self._quiet = False
        self._timer = QTimer(self, singleShot=True, interval=TYPING_MS)
        self._timer.timeout.connect(self.flush)
        self.title = QLabel("", objectName="cardTitle")
        self.hint = QLabel("Choose a block on the left to edit it, or add one from the palette.",
                           objectName="muted", wordWrap=True)
        self.error = QLabel(objectName="fieldError", wordWrap=True)
        self.error.hide()
        self.body = QWidget()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.hint)
        self._layout.addWidget(self.body)
        self._layout.addWidget(self.error)
        self._layout.addStretch(1)

    # ---- showing ---------------------------------------------------------------------------

    def block(self):
        return self._block

    def show_block(self, block) -> None:
        same = (block is not None and self._block is not None and block.id == self._block.id
                and block.type == self._block.type)
        if not same:
            self.flush()
        self._block = block
        self.error.hide()
        if same:
            self._set_values(block)
            return
        self._build(block)

    def _build(self, block) -> None:
        self._layout.removeWidget(self.body)
        self.body.deleteLater()
        self.body = QWidget()
        self._layout.insertWidget(2, self.body)
        self._widgets, self._setters, self._text_target = {}, {}, None
        self.hint.setVisible(block is None)
        self.title.setText(f"{BLOCK_TITLES[block.type]} block" if block is not None else "")
        if block is None:
            return
        form = QFormLayout(self.body)
        form.setContentsMargins(0, 4, 0, 0)
        for name, label, kind, options in FIELDS[block.type]:
            widget = getattr(self, f"_make_{kind}")(name, options)
            form.addRow(label, widget)
        if block.type == "footer":
            form.addRow(QLabel("The unsubscribe link and your postal address are always "
                               "shown below the note (the address comes from the Brand page "
                               "or Settings ▸ Sending).", objectName="muted", wordWrap=True))
        self._set_values(block)

    def _set_values(self, block) -> None:
        self._quiet = True
        try:
            for name, setter in self._setters.items():
                setter(getattr(block, name))
        finally:
            self._quiet = False

    # ---- emitting --------------------------------------------------------------------------

    def _changed(self, name: str, value: Any, typing: bool) -> None:
        if self._quiet or self._block is None:
            return
        if typing:
            if self._pending is not None and self._pending[0] != name:
                self.flush()
            self._pending = (name, value)
            self._timer.start()
            return
        self.flush()
        merge = (self._block.id, name) if isinstance(value, int) and not isinstance(value, bool) \
            else None
        self.edited.emit(self._block.id, {name: value}, merge)

    def flush(self) -> None:
        self._timer.stop()
        if self._pending is None or self._block is None:
            self._pending = None
            return
        (name, value), self._pending = self._pending, None
        self.edited.emit(self._block.id, {name: value}, (self._block.id, name))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # ---- chips and marks -------------------------------------------------------------------

    def insert_text(self, text: str) -> bool:
        target = self._text_target
        if target is None:
            return False
        if isinstance(target, QLineEdit):
            target.insert(text)
        else:
            target.textCursor().insertText(text)
        target.setFocus()
        return True

    def _track(self, widget) -> None:
        original = widget.focusInEvent

        def focus_in(event, widget=widget, original=original):
            self._text_target = widget
            original(event)

        widget.focusInEvent = focus_in
        if self._text_target is None:
            self._text_target = widget

    def _wrap(self, edit: QPlainTextEdit, before: str, after: str) -> None:
        cursor = edit.textCursor()
        cursor.insertText(f"{before}{cursor.selectedText() or 'text'}{after}")
        edit.setFocus()

    def _link(self, edit: QPlainTextEdit) -> None:
        url, ok = QInputDialog.getText(self, "Link", "Address (https://…)", text="https://")
        if ok and url.strip():
            self._wrap(edit, "[", f"]({url.strip()})")

    def _list(self, edit: QPlainTextEdit) -> None:
        cursor = edit.textCursor()
        lines = (cursor.selectedText() or "item").split("\u2029")
        cursor.insertText("\n".join(f"- {line}" for line in lines))
        edit.setFocus()

    # ---- field widgets ---------------------------------------------------------------------

    def _make_line(self, name: str, placeholder) -> QWidget:
        edit = QLineEdit(placeholderText=placeholder or "")
        edit.textEdited.connect(lambda text: self._changed(name, text, True))
        self._setters[name] = lambda value: edit.text() != value and edit.setText(value)
        self._widgets[name] = edit
        if name in CHIP_FIELDS:
            self._track(edit)
        return edit

    def _make_markup(self, name: str, _options) -> QWidget:
        edit = _Markup()
        edit.textChanged.connect(lambda: self._changed(name, edit.toPlainText(), True))

        def set_text(value: str) -> None:
            if edit.toPlainText() != value:
                edit.setPlainText(value)

        self._setters[name] = set_text
        self._widgets[name] = edit
        self._track(edit)
        bar = QHBoxLayout()
        for text, tip, action in (
                ("B", "Bold: **text**", lambda: self._wrap(edit, "**", "**")),
                ("I", "Italic: *text*", lambda: self._wrap(edit, "*", "*")),
                ("Link", "A link: [text](https://…)", lambda: self._link(edit)),
                ("• List", "A bulleted list: lines starting with “- ”", lambda: self._list(edit))):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(action)
            bar.addWidget(button)
        bar.addStretch(1)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(edit)
        return box

    def _make_choice(self, name: str, options: dict) -> QWidget:
        combo = QComboBox()
        for value, label in options.items():
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(lambda _i: self._changed(name, combo.currentData(),
                                                                   False))
        self._setters[name] = lambda value: combo.setCurrentIndex(combo.findData(value))
        self._widgets[name] = combo
        return combo

    def _make_bool(self, name: str, _options) -> QWidget:
        box = QCheckBox()
        box.toggled.connect(lambda checked: self._changed(name, checked, False))
        self._setters[name] = box.setChecked
        self._widgets[name] = box
        return box

    def _make_int(self, name: str, options) -> QWidget:
        low, high, suffix = options
        spin = QSpinBox(minimum=low, maximum=high, suffix=suffix)
        spin.valueChanged.connect(lambda value: self._changed(name, value, False))
        self._setters[name] = spin.setValue
        self._widgets[name] = spin
        return spin

    def _make_width(self, name: str, _options) -> QWidget:
        spin = QSpinBox(minimum=19, maximum=600, suffix=" px")
        spin.setSpecialValueText("Full width")  # 19: the value below the smallest width
        spin.valueChanged.connect(
            lambda value: self._changed(name, None if value == 19 else value, False))
        self._setters[name] = lambda value: spin.setValue(19 if value is None else value)
        self._widgets[name] = spin
        return spin

    def _make_color(self, name: str, _options) -> QWidget:
        edit = QLineEdit(placeholderText="From the brand kit")
        swatch = QPushButton("Pick…")

        def pick() -> None:
            chosen = QColorDialog.getColor(QColor(edit.text() or "#1d4ed8"), self)
            if chosen.isValid():
                edit.setText(chosen.name())
                self._changed(name, chosen.name(), False)

        swatch.clicked.connect(pick)
        edit.textEdited.connect(lambda text: self._changed(name, text.strip() or None, True))
        self._setters[name] = lambda value: edit.text() != (value or "") and edit.setText(value or "")
        self._widgets[name] = edit
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(edit, 1)
        line.addWidget(swatch)
        return row

    def _make_skus(self, name: str, placeholder) -> QWidget:
        edit = QLineEdit(placeholderText=placeholder)
        edit.textEdited.connect(lambda text: self._changed(
            name, tuple(s.strip() for s in text.split(",") if s.strip()), True))
        self._setters[name] = lambda value: (
            tuple(s.strip() for s in edit.text().split(",") if s.strip()) != tuple(value)
            and edit.setText(", ".join(value)))
        self._widgets[name] = edit
        return edit

    def _make_social(self, name: str, _options) -> QWidget:
        box = QWidget()
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        edits = {}
        for network in SOCIAL:
            edit = QLineEdit(placeholderText="https://…")
            edits[network] = edit
            form.addRow(NETWORKS.get(network, network.capitalize()), edit)

        def links() -> tuple:
            return tuple({"network": n, "url": e.text().strip()} for n, e in edits.items()
                         if e.text().strip())

        def set_links(value) -> None:
            urls = {link.network: link.url for link in value}
            for network, edit in edits.items():
                if edit.text().strip() != urls.get(network, ""):
                    edit.setText(urls.get(network, ""))

        for edit in edits.values():
            edit.textEdited.connect(lambda _t: self._changed(name, links(), True))
        self._setters[name] = set_links
        self._widgets[name] = edits
        return box

    def _make_columns(self, name: str, _options) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        spin = QSpinBox(minimum=2, maximum=3, suffix=" columns")
        column.addWidget(spin)
        adders = QVBoxLayout()
        column.addLayout(adders)
        note = QLabel("Blocks inside a column show indented in the list: choose one to edit "
                      "it, or drag blocks in and out.", objectName="muted", wordWrap=True)
        column.addWidget(note)

        def resize(count: int) -> None:
            current = self._block.columns
            kept = [c.model_dump() for c in current[:count]]
            kept += [{"blocks": []}] * (count - len(kept))
            self._changed(name, tuple(kept), False)

        def set_columns(value) -> None:
            spin.setValue(len(value))
            while adders.count():
                item = adders.takeAt(0)
                if item.widget():
                    item.widget().deleteLater()
            for number, col in enumerate(value):
                button = QPushButton(f"+ Text in column {number + 1}")
                button.clicked.connect(lambda _c=False, n=number, size=len(col.blocks):
                                       self.insert_requested.emit(
                                           "text", Place(size, self._block.id, n)))
                adders.addWidget(button)

        spin.valueChanged.connect(lambda count: not self._quiet and resize(count))
        self._setters[name] = set_columns
        self._widgets[name] = spin
        return box

    def widget(self, name: str):
        """The widget of field `name` of the block shown (tests drive the form with it)."""
        return self._widgets[name]
