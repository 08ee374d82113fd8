"""Editors for the experiment keys (docs/experiments.md): an A/B test block, email variants,
and guardrails. Values are the journey format's plain data; rates are typed as percentages
and stored as fractions.

- `ExperimentEditor(metrics)`: measure, contacts per variant, confidence (%), and "send
  everyone after the winner's way"; `experiment_editor(metrics)` wraps it in
  an `OptionalEditor` block ("Run as an A/B test"), so unticked the step only splits.
- `EmailVariantRow` / `email_variants_editor(templates)`: one version of an email — label,
  share, another email or only another subject.
- `GuardrailsEditor`: on/off, the window of sends and the three rates.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QLabel

from widgets.inspector.field_editors import (
    BoolEditor,
    ChoiceEditor,
    FieldEditor,
    NumberEditor,
    OptionalEditor,
    TextEditor,
)
from widgets.inspector.row_editors import RowsEditor, unused_key

METRIC_WORDS = {"conversion": "Conversion", "click": "Clicks",
                "open": "Opens", "revenue": "Revenue per contact"}
DEFAULT_TEST = {"min_per_variant": 500, "confidence": 0.95, "auto_winner": True}


class _Grid(FieldEditor):
    """Labelled sub-editors in a two-column grid; edits of any part are the field's."""

    def __init__(self, parts: list[tuple[str, str, FieldEditor]], parent=None):
        super().__init__(parent)
        self.parts = {name: editor for name, _label, editor in parts}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        for row, (_name, label, editor) in enumerate(parts):
            if label:
                grid.addWidget(QLabel(label, objectName="muted"), row, 0)
            grid.addWidget(editor, row, 1 if label else 0, 1, 1 if label else 2)
            editor.edited.connect(self.edited)
            editor.finished.connect(self.finished)


class ExperimentEditor(_Grid):
    def __init__(self, metrics: tuple[str, ...], parent=None):
        self.metrics = metrics
        super().__init__([
            ("metric", "Measure", ChoiceEditor(metrics, METRIC_WORDS)),
            ("min_per_variant", "Contacts per variant", NumberEditor(50, 1_000_000)),
            ("confidence", "Confidence", NumberEditor(80, 99.9, decimals=1, suffix=" %")),
            ("auto_winner", "", BoolEditor("Send later entrants the winner's way")),
        ], parent)

    def value(self) -> dict:
        p = self.parts
        return {"metric": p["metric"].value(), "min_per_variant": int(p["min_per_variant"].value()),
                "confidence": round(p["confidence"].value() / 100, 4),
                "auto_winner": p["auto_winner"].value()}

    def set_value(self, value: Any) -> None:
        value = {**DEFAULT_TEST, "metric": self.metrics[0], **(value or {})}
        p = self.parts
        p["metric"].set_value(value["metric"])
        p["min_per_variant"].set_value(value["min_per_variant"])
        p["confidence"].set_value(round(value["confidence"] * 100, 1))
        p["auto_winner"].set_value(value["auto_winner"])


def experiment_editor(metrics: tuple[str, ...]) -> OptionalEditor:
    return OptionalEditor(ExperimentEditor(metrics), "Run as an A/B test with a winner",
                          {**DEFAULT_TEST, "metric": metrics[0]}, block=True)


class EmailVariantRow(_Grid):
    def __init__(self, templates: dict, parent=None):
        self._key = ""
        template = ChoiceEditor(("", *templates), {"": "The step's email",
                                                  **{k: t.name for k, t in templates.items()}})
        super().__init__([
            ("label", "Label", TextEditor("e.g. Offer in the subject")),
            ("percent", "Share", NumberEditor(0, 100, suffix=" %")),
            ("template", "Email", template),
            ("subject", "Subject", TextEditor("empty: the email's own subject")),
        ], parent)

    def value(self) -> dict:
        p = self.parts
        return {"key": self._key, "label": p["label"].value(), "percent": int(p["percent"].value()),
                "template": p["template"].value() or "", "subject": p["subject"].value()}

    def set_value(self, value: Any) -> None:
        value = value or {}
        self._key = value.get("key", "")
        for name, editor in self.parts.items():
            editor.set_value(value.get(name, "" if name != "percent" else 0))


def email_variants_editor(templates: dict) -> RowsEditor:
    def new_variant(rows: list) -> dict:
        taken = {row["key"] for row in rows}
        letter = next((c for c in "abcd" if c not in taken), unused_key("v", taken))
        return {"key": letter, "label": letter.upper(), "percent": 0, "template": "",
                "subject": ""}

    return RowsEditor(lambda: EmailVariantRow(templates), new_variant, "Add a variant")


class GuardrailsEditor(_Grid):
    RATES = (("unsubscribe_rate", "Unsubscribes above"), ("complaint_rate", "Spam complaints above"),
             ("bounce_rate", "Bounces above"))

    def __init__(self, parent=None):
        parts: list[tuple[str, str, FieldEditor]] = [
            ("enabled", "", BoolEditor("Pause the journey by itself when its emails draw too "
                                       "many unsubscribes, complaints or bounces")),
            ("window", "Judged over the last", NumberEditor(50, 100_000, suffix=" emails")),
        ]
        parts += [(name, label, NumberEditor(0, 100, decimals=2, suffix=" %"))
                  for name, label in self.RATES]
        super().__init__(parts, parent)

    def value(self) -> dict:
        p = self.parts
        value = {"enabled": p["enabled"].value(), "window": int(p["window"].value())}
        value |= {name: round(p[name].value() / 100, 6) for name, _ in self.RATES}
        return value

    def set_value(self, value: Any) -> None:
        value = value or {}
        p = self.parts
        p["enabled"].set_value(value.get("enabled", True))
        p["window"].set_value(value.get("window", 200))
        for name, _ in self.RATES:
            if name in value:
                p[name].set_value(round(value[name] * 100, 4))
