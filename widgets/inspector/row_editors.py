"""Editors for lists of things, one row each, with add and remove: event filters, webhook
headers, split paths and variants, goal and exit events.

Contract:
- `RowsEditor(make_row, new_value, add_text)` is a `FieldEditor` whose value is the list
  of its rows' values. `make_row()` builds a row editor; `new_value(current_list)` is the
  value of a row added by "+ add_text" (e.g. a variant with a key not used yet). Removing
  or adding a row is one finished edit.
- `set_value(list)` rebuilds rows only when their number changes, so a row being typed in
  keeps its focus and cursor when the model echoes the edit back.
- Row editors here: `FilterRow` (property, test, value — the value hides for "is set"),
  `HeaderRow` (name, value), `VariantRow` (label, share %), `EventMatcherRow` (event name
  and its filters); split paths, which hold rules, live with the rule builder
  (widgets/inspector/condition_editor.py).
- `filters_editor()`, `HeadersEditor`, `variants_editor()` and `event_matchers_editor()`
  are the list editors the forms use.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QToolButton, QVBoxLayout

from widgets.icons import icon
from widgets.inspector.field_editors import (
    ChoiceEditor,
    FieldEditor,
    NumberEditor,
    ScalarEditor,
    TextEditor,
)

FILTER_OPS = ("equals", "not_equals", "contains", "not_contains", "greater", "less", "exists",
              "not_exists")
NO_VALUE_OPS = ("exists", "not_exists")


class RowsEditor(FieldEditor):
    def __init__(
        self,
        make_row: Callable[[], FieldEditor],
        new_value: Callable[[list], Any],
        add_text: str,
        parent=None,
    ):
        super().__init__(parent)
        self._make_row = make_row
        self._new_value = new_value
        self.rows: list[FieldEditor] = []
        self._frames: list[QFrame] = []
        self._list = QVBoxLayout()
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.setSpacing(6)
        self.add_button = QPushButton(icon("plus", "accent"), f" {add_text}", objectName="addRow")
        self.add_button.setFlat(True)
        self.add_button.clicked.connect(self._add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(self._list)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def value(self) -> list:
        return [row.value() for row in self.rows]

    def set_value(self, value: Any) -> None:
        value = list(value or [])
        if len(value) != len(self.rows):
            self._rebuild(len(value))
        for row, item in zip(self.rows, value):
            row.set_value(item)

    def _rebuild(self, count: int) -> None:
        for frame in self._frames:
            frame.deleteLater()
        self.rows, self._frames = [], []
        for _ in range(count):
            self._append_row()

    def _append_row(self) -> FieldEditor:
        row = self._make_row()
        frame = QFrame(objectName="editorRow")
        line = QHBoxLayout(frame)
        line.setContentsMargins(8, 6, 4, 6)
        line.setSpacing(4)
        line.addWidget(row, 1)
        remove = QToolButton(objectName="removeRow")
        remove.setIcon(icon("trash", "text_muted"))
        remove.setToolTip("Remove")
        remove.setAutoRaise(True)
        remove.clicked.connect(lambda: self._remove(row))
        line.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        row.edited.connect(self.edited)
        row.finished.connect(self.finished)
        self._list.addWidget(frame)
        self.rows.append(row)
        self._frames.append(frame)
        return row

    def _add(self) -> None:
        value = self._new_value(self.value())
        row = self._append_row()
        row.set_value(value)
        row.setFocus()
        self._picked()

    def _remove(self, row: FieldEditor) -> None:
        index = self.rows.index(row)
        self.rows.pop(index)
        self._frames.pop(index).deleteLater()
        self._picked()


class _CompositeRow(FieldEditor):
    """A row made of named sub-editors laid out on one line (or stacked)."""

    def __init__(self, parts: dict[str, FieldEditor], stacked: bool = False, parent=None):
        super().__init__(parent)
        self.parts = parts
        layout = QVBoxLayout(self) if stacked else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for editor in parts.values():
            editor.edited.connect(self.edited)
            editor.finished.connect(self.finished)
            layout.addWidget(editor, 1)
        self.setFocusProxy(next(iter(parts.values())))

    def value(self) -> dict:
        return {name: editor.value() for name, editor in self.parts.items()}

    def set_value(self, value: Any) -> None:
        for name, editor in self.parts.items():
            editor.set_value((value or {}).get(name))


class FilterRow(_CompositeRow):
    def __init__(self, parent=None):
        super().__init__(
            {
                "property": TextEditor("property, e.g. total"),
                "op": ChoiceEditor(FILTER_OPS),
                "value": ScalarEditor("value"),
            },
            parent=parent,
        )
        self.parts["op"].edited.connect(self._op_changed)

    def _op_changed(self) -> None:
        self.parts["value"].setVisible(self.parts["op"].value() not in NO_VALUE_OPS)

    def value(self) -> dict:
        value = super().value()
        if value["op"] in NO_VALUE_OPS:
            value["value"] = None
        return value

    def set_value(self, value: Any) -> None:
        super().set_value(value)
        self._op_changed()


class HeaderRow(_CompositeRow):
    def __init__(self, parent=None):
        parts = {"name": TextEditor("Header"), "value": TextEditor("Value")}
        super().__init__(parts, parent=parent)


class VariantRow(_CompositeRow):
    """A/B variant: label and share; its key (the port edges use) is kept as it was."""

    def __init__(self, parent=None):
        super().__init__(
            {"label": TextEditor("Label"), "percent": NumberEditor(0, 100, suffix=" %")},
            parent=parent,
        )
        self._key = ""

    def value(self) -> dict:
        return {"key": self._key, **super().value()}

    def set_value(self, value: Any) -> None:
        self._key = (value or {}).get("key", "")
        super().set_value(value)


class EventMatcherRow(FieldEditor):
    """An event name, and optionally filters on its properties."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.event_name = TextEditor("event name, e.g. order_completed")
        self.filters = filters_editor()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.event_name)
        layout.addWidget(self.filters)
        for editor in (self.event_name, self.filters):
            editor.edited.connect(self.edited)
            editor.finished.connect(self.finished)
        self.setFocusProxy(self.event_name)

    def value(self) -> dict:
        return {"event": self.event_name.value(), "filters": self.filters.value()}

    def set_value(self, value: Any) -> None:
        value = value or {}
        self.event_name.set_value(value.get("event", ""))
        self.filters.set_value(value.get("filters", []))


def unused_key(base: str, taken: set[str]) -> str:
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def filters_editor() -> RowsEditor:
    return RowsEditor(FilterRow, lambda _rows: {"property": "", "op": "equals", "value": None},
                      "Add a filter")


class HeadersEditor(RowsEditor):
    """Webhook headers: a mapping edited as name/value rows."""

    def __init__(self, parent=None):
        super().__init__(HeaderRow, lambda _rows: {"name": "", "value": ""}, "Add a header",
                         parent)

    def value(self) -> dict:
        return {row["name"]: row["value"] for row in super().value()}

    def set_value(self, value: Any) -> None:
        super().set_value([{"name": k, "value": v} for k, v in (value or {}).items()])


def variants_editor() -> RowsEditor:
    def new_variant(rows: list) -> dict:
        taken = {row["key"] for row in rows}
        letter = next((c for c in "abcdefghij" if c not in taken), unused_key("v", taken))
        return {"key": letter, "label": letter.upper(), "percent": 0}

    return RowsEditor(VariantRow, new_variant, "Add a variant")


def event_matchers_editor(add_text: str) -> RowsEditor:
    return RowsEditor(EventMatcherRow, lambda _rows: {"event": "", "filters": []}, add_text)

