"""Settings ▸ Sending rules: the guards every journey obeys — frequency cap, quiet hours,
the time zone for contacts without one, consent, and what counts as overdue.

Contract:
- `SendingRulesCard()` is the form; it writes nothing itself. `set_values(values)` shows a
  dict shaped like the matching `engine.settings.AppSettings` fields in JSON
  (`frequency_cap` None or {"count", "within": {"value", "unit"}}, `quiet_hours` None or
  {"start", "end"}, `default_timezone`, `consent_required`, `catch_up_grace_minutes`)
  without emitting anything; `values()` reads the form back in the same shape.
- Intents, as signals: `save_requested(dict)` (Save: the values as shown) and
  `refresh_requested()` (`refresh()`, called by the Settings page when the section is
  shown: the owner re-reads the database).
- What the owner reports back: `set_errors({field: sentence})` puts each sentence under its
  field and clears the others; `set_status(text, tone)` under the Save button ("success",
  "danger" or "" for plain).
- The editors are the inspector's (`widgets.inspector.field_editors`), so a duration or a
  time reads the same here as on a journey's settings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
import zoneinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSpinBox,
    QWidget,
)

from widgets.inspector.field_editors import (
    BoolEditor, DurationEditor, FieldEditor, NumberEditor, OptionalEditor,
)
from widgets.inspector.settings_form import QuietHoursEditor
from widgets.page_parts import Card

CARD_MAX_WIDTH = 760
FIELDS = ("frequency_cap", "quiet_hours", "default_timezone", "consent_required",
          "catch_up_grace_minutes")
DEFAULT_CAP = {"count": 2, "within": {"value": 7, "unit": "days"}}
DEFAULT_QUIET = {"start": "21:00", "end": "08:00"}


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone a person would pick ("Europe/Paris", "UTC"), sorted."""
    names = zoneinfo.available_timezones() - {"localtime", "Factory", "posixrules"}
    return tuple(sorted(names))


class CapEditor(FieldEditor):
    """At most N marketing emails per contact within a duration: "2 per 7 days"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.count = QSpinBox()
        self.count.setRange(1, 1000)
        self.count.setAccessibleName("Emails at most")
        self.within = DurationEditor()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.count)
        row.addWidget(QLabel("marketing emails per", objectName="muted"))
        row.addWidget(self.within)
        row.addStretch(1)
        self.count.valueChanged.connect(self._changed)
        self.within.edited.connect(self.edited)

    def value(self) -> dict:
        return {"count": self.count.value(), "within": self.within.value()}

    def set_value(self, value: Any) -> None:
        if value:
            self.count.blockSignals(True)
            self.count.setValue(int(value["count"]))
            self.count.blockSignals(False)
            self.within.set_value(value["within"])


class TimezoneEditor(FieldEditor):
    """An IANA time zone, typed with completion or picked from the list."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.combo = QComboBox(editable=True)
        self.combo.addItems(timezone_names())
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumWidth(220)
        completer = QCompleter(timezone_names(), self.combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.combo.setCompleter(completer)
        self.combo.setAccessibleName("Time zone")
        self.combo.currentTextChanged.connect(self._changed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo)
        row.addStretch(1)
        self.setFocusProxy(self.combo)

    def value(self) -> str:
        return self.combo.currentText().strip()

    def set_value(self, value: Any) -> None:
        self.combo.blockSignals(True)
        self.combo.setCurrentText(str(value or ""))
        self.combo.blockSignals(False)


class SendingRulesCard(Card):
    save_requested = Signal(dict)
    refresh_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMaximumWidth(CARD_MAX_WIDTH)
        # as tall as its content: the Settings page gives a section all the height there is
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.body.addWidget(QLabel("Rules for every journey", objectName="cardTitle"))
        self.body.addWidget(QLabel(
            "These guards hold across all journeys, so a contact in several journeys at once "
            "is not flooded. Transactional emails (receipts, password resets) ignore the cap, "
            "quiet hours and consent; unsubscribed and bounced contacts never get marketing "
            "email.", objectName="muted", wordWrap=True))
        self.editors: dict[str, FieldEditor] = {
            "frequency_cap": OptionalEditor(CapEditor(), "At most", DEFAULT_CAP),
            "quiet_hours": OptionalEditor(QuietHoursEditor(), "No marketing email",
                                          DEFAULT_QUIET),
            "default_timezone": TimezoneEditor(),
            "consent_required": BoolEditor("Only to contacts who agreed to marketing email"),
            "catch_up_grace_minutes": NumberEditor(1, 10_080, suffix=" minutes"),
        }
        self.editors["frequency_cap"].box.setAccessibleName("Frequency cap on")
        self.editors["quiet_hours"].box.setAccessibleName("Quiet hours on")
        self.editors["catch_up_grace_minutes"].setMaximumWidth(160)
        rows = {
            "frequency_cap": ("Frequency cap",
                              "Over the cap an email waits for a free slot or is skipped, as "
                              "each email step says; higher-priority journeys go first."),
            "quiet_hours": ("Quiet hours",
                            "No marketing email in this window of the contact's own day; "
                            "emails wait for its end. A journey can set its own."),
            "default_timezone": ("Time zone",
                                 "For contacts whose time zone is unknown: quiet hours and "
                                 "\"at 9:00\" waits use it."),
            "consent_required": ("Consent",
                                 "Ticked, marketing email needs a recorded consent; unticked, "
                                 "only a withdrawn consent stops it."),
            "catch_up_grace_minutes": ("Late after",
                                       "Emails due longer ago than this when Trellis starts "
                                       "again follow each journey's \"after the app was "
                                       "closed\" choice."),
        }
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.errors: dict[str, QLabel] = {}
        for name in FIELDS:
            title, hint = rows[name]
            column = QWidget()
            inner = QFormLayout(column)  # a column: editor, hint, error
            inner.setContentsMargins(0, 0, 0, 0)
            inner.addRow(self.editors[name])
            inner.addRow(QLabel(hint, objectName="muted", wordWrap=True))
            error = QLabel(objectName="fieldError", wordWrap=True)
            error.setProperty("tone", "danger")
            error.hide()
            inner.addRow(error)
            self.errors[name] = error
            form.addRow(title, column)
        self.body.addLayout(form)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save rules")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.values()))
        self.status = QLabel(wordWrap=True)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        self.body.addLayout(buttons)

    def refresh(self) -> None:
        """Called by the Settings page when the section is shown."""
        self.refresh_requested.emit()

    def set_values(self, values: dict) -> None:
        for name in FIELDS:
            self.editors[name].set_value(values.get(name))

    def values(self) -> dict:
        return {name: self.editors[name].value() for name in FIELDS}

    def set_errors(self, errors: dict[str, str]) -> None:
        for name, label in self.errors.items():
            label.setText(errors.get(name, ""))
            label.setVisible(name in errors)

    def set_status(self, text: str, tone: str = "") -> None:
        self.status.setText(text)
        self.status.setProperty("tone", tone)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
