"""The segment builder: a segment's rules with its count updating as you edit.

Contract: `SegmentBuilder(source)` where `source` answers (each call may be slow: counts
run off the GUI thread, in a `BackgroundCall`):
- `count(condition) -> (count, [(contact id, email)])` for condition data;
- `event_names() -> [(name, how often)]`, `property_names(event) -> [(name, how often)]`,
  `used_by(name) -> [journey names]`,
  `history(name) -> [(day, size)]`.
Editing the rules restarts a short timer (`DEBOUNCE_MS`); when it fires the count is
asked in the background, and while one is running a newer edit waits for it and then
asks again, so the answer shown is always the latest rules' and typing never waits for
the database. Rules that are not valid yet say why instead of a count. Event names not
seen in the data are flagged with the closest known name, and so are properties (to add
up or filter on) never seen on that event; the properties of the rules' events are
listed with how often they occur. `save_requested(name,
description, condition)` and `delete_requested(name)` are intents; `show_error(text)`
shows a refusal (a cycle between segments) under the name.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QVBoxLayout, QWidget,
)

from engine.nodes.common import Condition, EventRule
from engine.words import plural
from widgets.background_call import BackgroundCall
from widgets.inspector.condition_editor import ConditionEditor

DEBOUNCE_MS = 250
SAMPLE_SIZE = 10


class SegmentBuilder(QWidget):
    save_requested = Signal(str, str, dict)
    delete_requested = Signal(str)
    #: a count came back (count); for tests and the status bar
    counted = Signal(int)
    suggestions_loaded = Signal()

    def __init__(self, source: Any, parent=None):
        super().__init__(parent)
        self.source = source
        self._loaded_name = ""
        self._call: BackgroundCall | None = None
        self._again = False
        self._known_events: dict[str, int] | None = None  # None: not read yet
        self._suggest_call: BackgroundCall | None = None
        self._properties: dict[str, dict[str, int]] = {}  # event -> property -> how often
        self.name = QLineEdit(placeholderText="Segment name, e.g. VIP")
        self.description = QLineEdit(placeholderText="What the segment is for")
        self.error = QLabel(objectName="error", wordWrap=True)
        self.error.hide()
        self.condition = ConditionEditor()
        self.count_label = QLabel("Add a rule to see who matches", objectName="pageSubtitle")
        self.warnings = QLabel(objectName="muted", wordWrap=True)
        self.sample = QListWidget()
        self.sample.setMaximumHeight(180)
        self.suggestions = QListWidget()
        self.suggestions.setMaximumHeight(140)
        self.used_by = QLabel(objectName="muted", wordWrap=True)
        self.history = QLabel(objectName="muted", wordWrap=True)
        self.save = QPushButton("Save segment", objectName="primary")
        self.delete = QPushButton("Delete")
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._ask_count)

        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Description", self.description)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.delete)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.condition)
        layout.addWidget(self.count_label)
        layout.addWidget(self.warnings)
        layout.addWidget(QLabel("A few of them", objectName="muted"))
        layout.addWidget(self.sample)
        layout.addWidget(QLabel("Events in your data (how often)", objectName="muted"))
        layout.addWidget(self.suggestions)
        layout.addWidget(self.used_by)
        layout.addWidget(self.history)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.condition.edited.connect(self.rules_changed)
        self.save.clicked.connect(self._save_clicked)
        self.delete.clicked.connect(lambda: self.delete_requested.emit(self._loaded_name))
        self.load(None)  # the page's refresh loads the suggestions (not at start-up)

    # ---- showing a segment -------------------------------------------------------------

    def load(self, segment: dict | None) -> None:
        """Show a saved segment (`name`, `description`, `condition`), or a new one (None)."""
        segment = segment or {"name": "", "description": "", "condition": {"match": "all",
                                                                           "rules": []}}
        self._loaded_name = segment["name"]
        self.name.setText(segment["name"])
        self.description.setText(segment.get("description", ""))
        self.condition.set_value(segment["condition"])
        self.error.hide()
        self.delete.setEnabled(bool(self._loaded_name))
        if self._loaded_name:
            users = self.source.used_by(self._loaded_name)
            self.used_by.setText("Used by: " + (", ".join(users) if users else "no journey"))
            days = self.source.history(self._loaded_name)
            self.history.setText("Size over time: " + ("  ·  ".join(
                f"{day}: {size:,}" for day, size in days[-14:]) if days else "not computed yet"))
        else:
            self.used_by.setText("")
            self.history.setText("")
        self.rules_changed()

    def load_suggestions(self) -> None:
        """Read the event names in the background (a grouped count over every event)."""
        self._suggest_call = BackgroundCall(self.source.event_names, self)
        self._suggest_call.succeeded.connect(self._suggestions_loaded)
        self._suggest_call.start()

    def _suggestions_loaded(self, names) -> None:
        self._known_events = dict(names)
        self._properties.clear()
        self._flag_unknown(self._valid_condition(quiet=True))
        self.suggestions_loaded.emit()

    def _list_suggestions(self, events: list[str]) -> None:
        self.suggestions.clear()
        for name, often in (self._known_events or {}).items():
            self.suggestions.addItem(f"{name}  ({often:,})")
            if name in events:
                for prop, seen in self._properties_of(name).items():
                    self.suggestions.addItem(f"    {prop}  ({seen:,})")

    def _properties_of(self, event: str) -> dict[str, int]:
        if event not in self._properties:  # a small sample query, once per event name
            self._properties[event] = dict(self.source.property_names(event))
        return self._properties[event]

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # ---- the count -----------------------------------------------------------------------

    def rules_changed(self) -> None:
        if self.condition.value()["rules"]:
            self.count_label.setText("Counting…")
        self._timer.start()  # restarts: typing a name asks once, after the pause

    def _valid_condition(self, quiet: bool = False) -> Condition | None:
        data = self.condition.value()
        if not data["rules"]:
            if not quiet:
                self.count_label.setText("Add a rule to see who matches")
                self.sample.clear()
            return None
        try:
            return Condition.model_validate(data)
        except ValidationError as error:
            if quiet:
                return None
            first = error.errors()[0]
            where = next((p for p in first["loc"] if isinstance(p, int)), None)
            rule = f"Rule {where + 1}: " if where is not None else ""
            self.count_label.setText(f"{rule}{first['msg']}")
            self.sample.clear()
            return None

    def _ask_count(self) -> None:
        condition = self._valid_condition()
        self._flag_unknown(condition)
        if condition is None:
            return
        if self._call is not None and self._call.running:
            self._again = True  # the newest rules are asked for when this answer is in
            return
        data = condition.model_dump(mode="json")
        self.count_label.setText("Counting…")
        self._call = BackgroundCall(lambda: self.source.count(data), self)
        self._call.succeeded.connect(self._show_count)
        self._call.failed.connect(lambda reason: self.count_label.setText(f"Cannot count: {reason}"))
        self._call.failed.connect(lambda _reason: self._after_call())
        self._call.start()

    def _show_count(self, answer) -> None:
        count, sample = answer
        if not self._again:
            self.count_label.setText(f"{plural(count, 'contact')} match now")
            self.sample.clear()
            for _id, email in sample[:SAMPLE_SIZE]:
                self.sample.addItem(email)
            self.counted.emit(count)
        self._after_call()

    def _after_call(self) -> None:
        if self._again:
            self._again = False
            self._ask_count()

    def _flag_unknown(self, condition: Condition | None) -> None:
        if self._known_events is None:
            return  # the names are still being read
        rules = condition.rules if condition is not None else []
        notes = []
        events = [rule.event for rule in rules if isinstance(rule, EventRule)]
        for rule in rules:
            if not isinstance(rule, EventRule):
                continue
            if rule.event not in self._known_events:
                notes.append(f"⚠ “{rule.event}” never happened in your data"
                             + _closest(rule.event, self._known_events))
                continue
            known = self._properties_of(rule.event)
            for prop in [rule.sum_property, *(f.property for f in rule.filters)]:
                top = prop.split(".")[0]
                if top and top not in known:
                    notes.append(f"⚠ “{rule.event}” events never have “{prop}”"
                                 + _closest(top, known))
        self._list_suggestions(events)
        self.warnings.setText("\n".join(notes))
        self.warnings.setVisible(bool(notes))

    # ---- saving --------------------------------------------------------------------------

    def _save_clicked(self) -> None:
        condition = self._valid_condition()
        name = self.name.text().strip()
        if not name:
            self.show_error("Name the segment")
            return
        if condition is None:
            self.show_error("The rules are not complete yet")
            return
        self.show_error("")
        self.save_requested.emit(name, self.description.text().strip(),
                                 condition.model_dump(mode="json"))

    def loaded_name(self) -> str:
        return self._loaded_name


def _closest(word: str, known) -> str:
    close = difflib.get_close_matches(word, list(known), 1)
    return f" — did you mean “{close[0]}”?" if close else ""
