"""The rule builder: `ConditionEditor` for a condition ("match all/any of these rules"),
and `paths_editor()` for a multi-way split's paths, each with its own rules.

Contract:
- `ConditionEditor` is a `FieldEditor` whose value is an `engine.nodes.common.Condition`
  as JSON data: {"match": "all" | "any", "rules": [...]}.
- Each rule row starts with its kind — a contact field, list membership, an event the
  contact did (or did not do, optionally adding up a property such as revenue), email
  engagement, a saved segment, the subscription status, consent — and shows that kind's parts in words:
  "country · is one of · DE, FR", "did · order_completed · at least 2 times · in the last
  30 days". Switching the kind starts that kind's rule afresh.
- "is one of" takes a comma-separated list; other values are read as numbers, yes/no or
  text (`ScalarEditor`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from engine.nodes.common import slug_key
from widgets.inspector.field_editors import (
    ChoiceEditor,
    DurationEditor,
    FieldEditor,
    NumberEditor,
    OptionalEditor,
    ScalarEditor,
    TextEditor,
)
from widgets.inspector.row_editors import RowsEditor, filters_editor, unused_key

FIELD_OPS = ("equals", "not_equals", "contains", "not_contains", "greater", "less", "exists",
             "not_exists", "in_list", "within", "not_within")
FIELD_OP_LABELS = {"within": "in the last (e.g. 30d)", "not_within": "not in the last (e.g. 60d)"}
KIND_LABELS = {
    "field": "Contact field",
    "list": "List membership",
    "event": "Did something",
    "engagement": "Email engagement",
    "segment": "Saved segment",
    "status": "Subscription status",
    "consent": "Consent",
}
NEW_RULES = {
    "field": {"kind": "field", "field": "", "op": "equals", "value": None},
    "list": {"kind": "list", "list": "", "member": True},
    "event": {"kind": "event", "event": "", "did": True, "min_count": 1, "within": None,
              "filters": []},
    "engagement": {"kind": "engagement", "engaged": True,
                   "within": {"value": 30, "unit": "days"}},
    "segment": {"kind": "segment", "segment": "", "member": True},
    "status": {"kind": "status", "status": "active", "equals": True},
    "consent": {"kind": "consent", "purpose": "email_marketing", "granted": True},
}
STATUSES = ("active", "unsubscribed", "bounced", "complained", "inactive")


class _Parts(FieldEditor):
    """The editors of one rule kind, stacked in lines of words."""

    def __init__(self, kind: str, lines: list[list[tuple[str, FieldEditor | str]]]):
        super().__init__()
        self.kind = kind
        self.editors: dict[str, FieldEditor] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for line in lines:
            row = QHBoxLayout()
            row.setSpacing(6)
            for name, part in line:
                if isinstance(part, str):
                    row.addWidget(QLabel(part, objectName="muted"))
                    continue
                self.editors[name] = part
                part.edited.connect(self.edited)
                part.finished.connect(self.finished)
                row.addWidget(part, 1)
            layout.addLayout(row)

    def value(self) -> dict:
        return {"kind": self.kind, **{name: e.value() for name, e in self.editors.items()}}

    def set_value(self, value: Any) -> None:
        for name, editor in self.editors.items():
            editor.set_value(value.get(name))


class _FieldParts(_Parts):
    def __init__(self):
        super().__init__("field", [
            [("field", TextEditor("field, e.g. country or attributes.plan"))],
            [("op", ChoiceEditor(FIELD_OPS, FIELD_OP_LABELS)), ("value", ScalarEditor("value"))],
        ])
        self.editors["op"].edited.connect(self._op_changed)

    def _op_changed(self) -> None:
        op = self.editors["op"].value()
        self.editors["value"].setVisible(op not in ("exists", "not_exists"))
        self.editors["value"].line.setPlaceholderText(
            "values, separated by commas" if op == "in_list" else "value"
        )

    def value(self) -> dict:
        value = super().value()
        if value["op"] in ("exists", "not_exists"):
            value["value"] = None
        elif value["op"] == "in_list":
            text = self.editors["value"].line.text()
            value["value"] = [ScalarEditor.parse(part) for part in text.split(",") if part.strip()]
        return value

    def set_value(self, value: Any) -> None:
        value = dict(value)
        if isinstance(value.get("value"), list):
            value["value"] = ", ".join(str(v) for v in value["value"])
        super().set_value(value)
        self._op_changed()


def _parts(kind: str) -> _Parts:
    if kind == "field":
        return _FieldParts()
    if kind == "list":
        return _Parts("list", [[
            ("member", ChoiceEditor((True, False), {True: "is on list", False: "is not on list"})),
            ("list", TextEditor("list name")),
        ]])
    if kind == "event":
        return _Parts("event", [
            [("did", ChoiceEditor((True, False), {True: "Did", False: "Did not do"}))],
            [("event", TextEditor("event, e.g. order_completed"))],
            [("", "at least"), ("min_count", NumberEditor(1, 10_000, suffix=" times"))],
            [("within", OptionalEditor(DurationEditor(), "in the last",
                                       {"value": 30, "unit": "days"}))],
            [("sum_property", TextEditor("adding up a property, e.g. revenue"))],
            [("min_sum", OptionalEditor(NumberEditor(0, 1e12, 2), "to at least", 100))],
            [("filters", filters_editor())],
        ])
    if kind == "segment":
        return _Parts("segment", [[
            ("member", ChoiceEditor((True, False), {True: "is in", False: "is not in"})),
            ("segment", TextEditor("segment name, e.g. VIP")),
        ]])
    if kind == "status":
        return _Parts("status", [[
            ("equals", ChoiceEditor((True, False), {True: "status is", False: "status is not"})),
            ("status", ChoiceEditor(STATUSES)),
        ]])
    if kind == "consent":
        return _Parts("consent", [[
            ("granted", ChoiceEditor((True, False), {True: "has given", False: "has not given"})),
            ("purpose", TextEditor("purpose, e.g. email_marketing")),
            ("", "consent"),
        ]])
    return _Parts("engagement", [
        [("engaged", ChoiceEditor((True, False), {True: "Opened or clicked an email",
                                                  False: "Opened or clicked nothing"}))],
        [("", "in the last"), ("within", DurationEditor())],
    ])


class RuleRow(FieldEditor):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = ChoiceEditor(tuple(KIND_LABELS), KIND_LABELS)
        self.kind.edited.connect(self._kind_picked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.kind)
        # one set of parts per kind, only the rule's own shown (hidden ones take no room,
        # unlike the pages of a QStackedWidget)
        self.parts: dict[str, _Parts] = {}
        for kind in KIND_LABELS:
            parts = self.parts[kind] = _parts(kind)
            parts.edited.connect(self.edited)
            parts.finished.connect(self.finished)
            parts.hide()
            layout.addWidget(parts)
        self.setFocusProxy(self.kind)

    def _show(self, kind: str) -> None:
        for name, parts in self.parts.items():
            parts.setVisible(name == kind)

    def _kind_picked(self) -> None:
        kind = self.kind.value()
        self.parts[kind].set_value(NEW_RULES[kind])
        self._show(kind)
        self._picked()

    def value(self) -> dict:
        return self.parts[self.kind.value()].value()

    def set_value(self, value: Any) -> None:
        kind = (value or {}).get("kind", "field")
        self.kind.set_value(kind)
        self.parts[kind].set_value({**NEW_RULES[kind], **(value or {})})
        self._show(kind)


class ConditionEditor(FieldEditor):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.match = ChoiceEditor(("all", "any"))
        self.rules = RowsEditor(RuleRow, lambda _rows: dict(NEW_RULES["field"]), "Add a rule")
        header = QHBoxLayout()
        header.setSpacing(6)
        header.addWidget(QLabel("Match", objectName="muted"))
        header.addWidget(self.match, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.rules)
        for editor in (self.match, self.rules):
            editor.edited.connect(self.edited)
            editor.finished.connect(self.finished)
        self.setFocusProxy(self.match)

    def value(self) -> dict:
        return {"match": self.match.value(), "rules": self.rules.value()}

    def set_value(self, value: Any) -> None:
        value = value or {"match": "all", "rules": []}
        self.match.set_value(value.get("match", "all"))
        self.rules.set_value(value.get("rules", []))


class PathRow(FieldEditor):
    """A multi-way split's path: its name and the rules that send contacts down it. Its
    key (the port its link is stored under) stays as it was, so renaming keeps the link."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._key = ""
        self.label = TextEditor("Path name")
        self.condition = ConditionEditor()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.condition)
        for editor in (self.label, self.condition):
            editor.edited.connect(self.edited)
            editor.finished.connect(self.finished)
        self.setFocusProxy(self.label)

    def value(self) -> dict:
        return {"key": self._key, "label": self.label.value(), "condition": self.condition.value()}

    def set_value(self, value: Any) -> None:
        value = value or {}
        self._key = value.get("key", "")
        self.label.set_value(value.get("label", ""))
        self.condition.set_value(value.get("condition"))


def paths_editor() -> RowsEditor:
    def new_path(rows: list) -> dict:
        taken = {row["key"] for row in rows} | {"default"}
        number = len(rows) + 1
        key = unused_key(slug_key(f"path {number}"), taken)
        return {"key": key, "label": f"Path {number}", "condition": {"match": "all", "rules": []}}

    return RowsEditor(PathRow, new_path, "Add a path")

