"""Editors for single config values: the building blocks of generated forms.

Contract:
- Every editor is a `FieldEditor`: `value()` returns the value as JSON-compatible data
  (what `model_dump(mode="json")` holds: a Duration is {"value", "unit"}, a time "HH:MM"),
  `set_value(v)` shows a value without emitting anything, `edited` is emitted when the
  marketer changes it, `finished` when an edit is complete (focus left, Enter, a pick) —
  the form merges the edits in between into one undo step.
- Editors validate nothing themselves: the form checks the whole config with its pydantic
  model and shows the message under the field.
- Choices show words, not codes (`CHOICE_WORDS`): "Postpone", "is not set", "Send late".
- Spin boxes have no arrow buttons (type, scroll or use the arrow keys); combos are
  `Combo`s, which shrink with the inspector and draw a flat chevron.
"""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QPointF, QSignalBlocker, Qt, QTime, Signal
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from engine.nodes.common import OP_WORDS, WEEKDAYS
from widgets import tokens

CHOICE_WORDS = {
    **OP_WORDS,
    "in_list": "is one of",
    "postpone": "Postpone it",
    "skip": "Skip it",
    "yearly": "Every year",
    "once": "Once",
    "minutes": "minutes",
    "hours": "hours",
    "days": "days",
    "weeks": "weeks",
    "all": "all of these rules",
    "any": "any of these rules",
    "send_late": "Send them late",
    "next_window": "Wait for the next allowed time",
    "always": "Every time",
    "after": "Again after a while",
}
#: the least widths of spin boxes and combos: the inspector is narrow, they shrink to fit
NARROW = 60
NARROW_COMBO = 84
DAY_LABELS = {
    "mon": "Mo", "tue": "Tu", "wed": "We", "thu": "Th", "fri": "Fr", "sat": "Sa", "sun": "Su",
}


class Combo(QComboBox):
    """A combo box that can shrink to a narrow inspector and draws its own chevron (the
    editor's stylesheet gives it a flat look without Fusion's arrow)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(6)
        self.setMinimumWidth(NARROW_COMBO)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(tokens.color("text_muted" if self.isEnabled() else "text_faint"), 1.6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        centre = QPointF(self.width() - 15, self.height() / 2 + 1)
        painter.drawPolyline([centre + QPointF(-4, -2.5), centre + QPointF(0, 1.5),
                              centre + QPointF(4, -2.5)])


def _row(*widgets: QWidget, stretch_last: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    for index, widget in enumerate(widgets):
        row.addWidget(widget, 1 if stretch_last and index == len(widgets) - 1 else 0)
    return row


class FieldEditor(QWidget):
    edited = Signal()
    finished = Signal()

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def _changed(self, *_args) -> None:
        self.edited.emit()

    def _picked(self, *_args) -> None:
        self.edited.emit()
        self.finished.emit()


class TextEditor(FieldEditor):
    def __init__(self, placeholder: str = "", parent=None):
        super().__init__(parent)
        self.line = QLineEdit(placeholderText=placeholder)
        self.line.textEdited.connect(self._changed)
        self.line.editingFinished.connect(self.finished)
        self.setLayout(_row(self.line, stretch_last=True))
        self.setFocusProxy(self.line)

    def value(self) -> str:
        return self.line.text()

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text != self.line.text():
            self.line.setText(text)


class ScalarEditor(TextEditor):
    """A value that may be a number, yes/no or text: typed as text, read back as what it
    looks like ("42" is a number, "true" is yes, empty is no value)."""

    @staticmethod
    def parse(text: str) -> Any:
        stripped = text.strip()
        if not stripped:
            return None
        if stripped.lower() in ("true", "false"):
            return stripped.lower() == "true"
        for kind in (int, float):
            try:
                return kind(stripped)
            except ValueError:
                pass
        return stripped

    def value(self) -> Any:
        return self.parse(self.line.text())

    def set_value(self, value: Any) -> None:
        if isinstance(value, bool):
            value = "true" if value else "false"
        if self.value() != value or (value is None and self.line.text().strip()):
            super().set_value(value)


class NumberEditor(FieldEditor):
    def __init__(self, minimum: float, maximum: float, decimals: int = 0, suffix: str = "",
                 parent=None):
        super().__init__(parent)
        if decimals:
            self.spin: QAbstractSpinBox = QDoubleSpinBox(decimals=decimals)
            self.spin.setSingleStep(0.5)
        else:
            self.spin = QSpinBox()
        self.spin.setRange(minimum, maximum)
        self.spin.setMinimumWidth(NARROW)  # not as wide as the largest number allowed
        self.spin.setSuffix(suffix)
        self.spin.setKeyboardTracking(True)
        self.spin.setAccelerated(True)
        self.spin.valueChanged.connect(self._changed)
        self.spin.editingFinished.connect(self.finished)
        self.setLayout(_row(self.spin))
        self.setFocusProxy(self.spin)

    def value(self) -> float | int:
        return self.spin.value()

    def set_value(self, value: Any) -> None:
        if value is not None and value != self.spin.value():
            with QSignalBlocker(self.spin):
                self.spin.setValue(value)


class BoolEditor(FieldEditor):
    """A check box whose words wrap: a long sentence never makes the panel wider than it is
    (a QCheckBox's own text does not wrap). Clicking the words ticks the box."""

    def __init__(self, text: str, parent=None):
        super().__init__(parent)
        self.box = QCheckBox()
        self.box.setAccessibleName(text)
        self.words = _ClickableLabel(text, self.box)
        self.box.toggled.connect(self._picked)
        self.setLayout(_row(self.box, self.words, stretch_last=True))
        self.setFocusProxy(self.box)

    def text(self) -> str:
        return self.words.text()

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.box):
            self.box.setChecked(bool(value))


class _ClickableLabel(QLabel):
    def __init__(self, text: str, box: QCheckBox):
        super().__init__(text, wordWrap=True)
        self._box = box
        self.setBuddy(box)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._box.isEnabled():
            self._box.click()
        super().mouseReleaseEvent(event)


class ChoiceEditor(FieldEditor):
    def __init__(self, choices: Sequence[str], labels: dict[str, str] | None = None, parent=None):
        super().__init__(parent)
        self.combo = Combo()
        words = {**CHOICE_WORDS, **(labels or {})}
        for choice in choices:
            label = words.get(choice, str(choice).replace("_", " ").capitalize())
            self.combo.addItem(label, choice)
        self.combo.activated.connect(self._picked)
        self.setLayout(_row(self.combo, stretch_last=True))
        self.setFocusProxy(self.combo)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        if index >= 0:
            self.combo.setCurrentIndex(index)


class DurationEditor(FieldEditor):
    """A number and a unit, as the marketer says it: "4 hours"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.amount = QSpinBox()
        self.amount.setRange(0, 100_000)
        self.amount.setMinimumWidth(NARROW)
        self.amount.setAccelerated(True)
        self.unit = ChoiceEditor(("minutes", "hours", "days", "weeks"))
        self.amount.valueChanged.connect(self._changed)
        self.amount.editingFinished.connect(self.finished)
        self.unit.edited.connect(self._picked)
        self.setLayout(_row(self.amount, self.unit))
        self.setFocusProxy(self.amount)

    def value(self) -> dict:
        return {"value": self.amount.value(), "unit": self.unit.value()}

    def set_value(self, value: Any) -> None:
        if not value:
            return
        with QSignalBlocker(self.amount):
            self.amount.setValue(int(value["value"]))
        self.unit.set_value(value["unit"])


class TimeEditor(FieldEditor):
    """A time of day, 24-hour, stored as "HH:MM"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.time = QTimeEdit(displayFormat="HH:mm")
        self.time.setMinimumWidth(NARROW)
        self.time.timeChanged.connect(self._changed)
        self.time.editingFinished.connect(self.finished)
        self.setLayout(_row(self.time))
        self.setFocusProxy(self.time)

    def value(self) -> str:
        return self.time.time().toString("HH:mm")

    def set_value(self, value: Any) -> None:
        if value and value != self.value():
            with QSignalBlocker(self.time):
                self.time.setTime(QTime.fromString(value, "HH:mm"))


class OptionalEditor(FieldEditor):
    """A value that may be left out: a check box turns the inner editor on or off.

    In a row, the switched-off editor stays in place, greyed, showing its default; with
    `block=True` the box stands above the editor, which is shown only while ticked."""

    def __init__(self, inner: FieldEditor, text: str, default: Any, parent=None, *,
                 block: bool = False):
        super().__init__(parent)
        self.inner = inner
        self.default = default
        self._block = block
        self.box = QCheckBox(text)
        self.box.toggled.connect(self._toggled)
        inner.edited.connect(self.edited)
        inner.finished.connect(self.finished)
        if block:
            layout = QVBoxLayout()
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(8)
            layout.addWidget(self.box)
            layout.addWidget(inner)
        else:
            layout = _row(self.box, inner, stretch_last=True)
        self.setLayout(layout)
        self.set_value(None)

    def _switch(self, on: bool) -> None:
        if self._block:
            self.inner.setVisible(on)
        else:
            self.inner.setEnabled(on)

    def _toggled(self, on: bool) -> None:
        self._switch(on)
        if on and self.default is not None:
            self.inner.set_value(self.default)
        self._picked()

    def value(self) -> Any:
        return self.inner.value() if self.box.isChecked() else None

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.box):
            self.box.setChecked(value is not None)
        self._switch(value is not None)
        # switched off, the greyed editor shows the default, not an empty "00:00"
        shown = value if value is not None else self.default
        if shown is not None:
            self.inner.set_value(shown)


class WeekdaysEditor(FieldEditor):
    """Seven checkable day buttons, Monday first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        row = _row()
        row.setSpacing(4)
        for day in WEEKDAYS:
            button = QPushButton(DAY_LABELS[day], objectName="dayButton", checkable=True)
            button.setToolTip(day.capitalize())
            button.toggled.connect(self._picked)
            self.buttons[day] = button
            row.addWidget(button)
        row.addStretch(1)
        self.setLayout(row)

    def value(self) -> list[str]:
        return [day for day, button in self.buttons.items() if button.isChecked()]

    def set_value(self, value: Any) -> None:
        for day, button in self.buttons.items():
            with QSignalBlocker(button):
                button.setChecked(day in (value or ()))


class TemplateEditor(FieldEditor):
    """Which of the journey's emails to send: each shown by name and subject."""

    def __init__(self, templates: dict, parent=None):
        super().__init__(parent)
        self.combo = Combo()
        self.combo.activated.connect(self._chosen)
        self.setLayout(_row(self.combo, stretch_last=True))
        self.setFocusProxy(self.combo)
        self._current = ""
        self.set_templates(templates)

    def _chosen(self, _index: int) -> None:
        self._current = self.combo.currentData() or ""
        self._picked()

    def set_templates(self, templates: dict) -> None:
        with QSignalBlocker(self.combo):
            self.combo.clear()
            self.combo.addItem("Choose an email…", "")
            for key, template in sorted(templates.items(), key=lambda kv: kv[1].name.lower()):
                self.combo.addItem(f"{template.name} — “{template.subject}”", key)
        self.set_value(self._current)

    def value(self) -> str:
        return self.combo.currentData() or ""

    def set_value(self, value: Any) -> None:
        self._current = value or ""
        index = self.combo.findData(self._current)
        if index < 0:  # an email this journey does not have: show its key, validation says why
            self.combo.addItem(f"{self._current} (missing)", self._current)
            index = self.combo.count() - 1
        with QSignalBlocker(self.combo):
            self.combo.setCurrentIndex(index)
