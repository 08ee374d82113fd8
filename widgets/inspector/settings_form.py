"""`settings_form(apply)`: the journey's own settings, shown when no step is selected.

Contract: a `ModelForm` over `engine.journey.data.JourneySettings` with labels and help in the
marketer's words — who may go through again (re-entry), the events that end the journey
as converted (goal) or not (exit), the journey's own quiet hours, what happens to
messages that fell due while the app was closed (catch-up), and priority under the
frequency cap, the holdout and its conversion window, the guardrails and the owner they
tell. Edits go through `apply(data, merge_key)` like any form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from engine.journey.data import JourneySettings
from widgets.inspector.field_editors import (
    ChoiceEditor,
    DurationEditor,
    FieldEditor,
    NumberEditor,
    OptionalEditor,
    TimeEditor,
)
from widgets.inspector.experiment_editors import GuardrailsEditor
from widgets.inspector.field_editors import TextEditor
from widgets.inspector.form import Apply, ModelForm
from widgets.inspector.row_editors import event_matchers_editor

RE_ENTRY_WORDS = {"once": "Only once", "after": "Again after a while", "always": "Every time"}


class ReEntryEditor(FieldEditor):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.mode = ChoiceEditor(tuple(RE_ENTRY_WORDS), RE_ENTRY_WORDS)
        self.after = DurationEditor()
        self.mode.edited.connect(self._mode_picked)
        self.after.edited.connect(self.edited)
        self.after.finished.connect(self.finished)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.mode)
        column.addWidget(self.after)

    def _mode_picked(self) -> None:
        self.after.setVisible(self.mode.value() == "after")
        self._picked()

    def value(self) -> dict:
        mode = self.mode.value()
        return {"mode": mode, "after": self.after.value() if mode == "after" else None}

    def set_value(self, value: Any) -> None:
        value = value or {"mode": "once", "after": None}
        self.mode.set_value(value["mode"])
        self.after.set_value(value.get("after") or {"value": 30, "unit": "days"})
        self.after.setVisible(value["mode"] == "after")


class QuietHoursEditor(FieldEditor):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.start, self.end = TimeEditor(), TimeEditor()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(QLabel("from", objectName="muted"))
        row.addWidget(self.start)
        row.addWidget(QLabel("to", objectName="muted"))
        row.addWidget(self.end)
        row.addStretch(1)
        for editor in (self.start, self.end):
            editor.edited.connect(self.edited)
            editor.finished.connect(self.finished)

    def value(self) -> dict:
        return {"start": self.start.value(), "end": self.end.value()}

    def set_value(self, value: Any) -> None:
        if value:
            self.start.set_value(value["start"])
            self.end.set_value(value["end"])


def settings_form(apply: Apply) -> ModelForm:
    fields = {
        "re_entry": (
            "Can a contact go through again?", "", ReEntryEditor(),
        ),
        "goal_events": (
            "Goal",
            "A contact who does this has converted and leaves the journey, wherever they are "
            "(for example order_completed ends an abandoned-cart journey).",
            event_matchers_editor("Add a goal event"),
        ),
        "exit_events": (
            "Exit",
            "A contact who does this leaves the journey without converting.",
            event_matchers_editor("Add an exit event"),
        ),
        "quiet_hours": (
            "Quiet hours",
            "No marketing email at night in the contact's own time zone. Unticked, the "
            "app-wide quiet hours apply (Settings ▸ Sending rules).",
            OptionalEditor(QuietHoursEditor(), "", {"start": "21:00", "end": "08:00"}),
        ),
        "catch_up": (
            "After the app was closed",
            "What happens to messages that fell due while Trellis was not running.",
            ChoiceEditor(("send_late", "skip", "next_window")),
        ),
        "priority": (
            "Priority",
            "When the frequency cap allows only one email, higher-priority journeys send first.",
            NumberEditor(-100, 100),
        ),
        "holdout_percent": (
            "Holdout",
            "Keep this share of entrants out of the journey (the same contacts every time) "
            "to measure what the journey adds. 0 holds nobody out.",
            NumberEditor(0, 50, suffix=" %"),
        ),
        "conversion_window": (
            "Conversion counted within",
            "For the holdout comparison: the goal event counts when it happens this long "
            "after entering, for held-out and treated contacts alike.",
            DurationEditor(),
        ),
        "guardrails": (
            "Guardrails",
            "Judged over the journey's recent emails once 50 have gone out. Steps then due "
            "wait until you resume.",
            GuardrailsEditor(),
        ),
        "owner_email": (
            "Owner",
            "Told by email when a guardrail pauses this journey (optional).",
            TextEditor("owner@example.com"),
        ),
    }
    return ModelForm(JourneySettings, apply, fields=fields)
