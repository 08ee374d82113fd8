"""The contact profile window: who a contact is, what they did, and why each journey step
happened to them.

Contract:
- `ContactProfileWindow()` is empty until `show_profile(profile)` (an
  `engine.contacts.profile.ContactProfile`); showing another profile replaces everything,
  so "open A, close, open B" shows B.
- Tabs: Details (editable fields and custom fields, status, lead score, lists, consents
  with their evidence), Events (filterable by text), Journeys (each journey and its steps
  in plain words, holds, skips and exits with their reasons), Emails (opens and clicks;
  double-click asks to see the email as sent).
- Nothing here writes: `field_edit_requested(name, value)` when a field is edited (on
  Enter or leaving the field, only if it changed; custom fields are named
  `attributes.KEY`), `action_requested(name)` for the action buttons (`ACTIONS`),
  `message_requested(message_id)`. The owner writes, then calls `show_profile` again.
- `undo_button`/`redo_button` are placed for the owner's undo actions (`set_undo_actions`).
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton,
    QTabWidget, QToolButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from widgets import formatting

FIELD_LABELS = {"first_name": "First name", "last_name": "Last name",
                "timezone": "Time zone", "locale": "Language", "country": "Country"}
#: action key → button text
ACTIONS = {
    "add_to_list": "Add to list…",
    "enter_journey": "Enter a journey now…",
    "unsubscribe": "Unsubscribe",
    "toggle_test": "Mark as test contact",
    "export_data": "Export data…",
    "erase": "Erase…",
}


class ContactProfileWindow(QDialog):
    field_edit_requested = Signal(str, object)
    action_requested = Signal(str)
    message_requested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Contact")
        self.resize(760, 620)
        self.profile = None
        self.title = QLabel(objectName="profileTitle")
        self.subtitle = QLabel(objectName="profileSubtitle")
        self.undo_button, self.redo_button = QToolButton(), QToolButton()
        head = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.title)
        names.addWidget(self.subtitle)
        head.addLayout(names, 1)
        head.addWidget(self.undo_button)
        head.addWidget(self.redo_button)
        actions = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for key, text in ACTIONS.items():
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=key: self.action_requested.emit(k))
            self.action_buttons[key] = button
            actions.addWidget(button)
        actions.addStretch(1)

        self.tabs = QTabWidget()
        self.details = QWidget()
        self.form = QFormLayout(self.details)
        self.field_edits: dict[str, QLineEdit] = {}
        self.events_filter = QLineEdit(placeholderText="Filter events by name or property")
        self.events_filter.textChanged.connect(self._filter_events)
        self.events = QListWidget()
        events_tab = QWidget()
        events_layout = QVBoxLayout(events_tab)
        events_layout.addWidget(self.events_filter)
        events_layout.addWidget(self.events)
        self.journeys = QTreeWidget()
        self.journeys.setHeaderLabels(["Journey / step", "What happened", "When"])
        self.journeys.setColumnWidth(0, 220)
        self.journeys.setColumnWidth(1, 330)
        self.emails = QTreeWidget()
        self.emails.setRootIsDecorated(False)
        self.emails.setHeaderLabels(["Subject", "Status", "Sent", "Opens", "Clicks"])
        self.emails.setColumnWidth(0, 300)
        self.emails.itemDoubleClicked.connect(
            lambda item, _column: self.message_requested.emit(item.data(0, Qt.ItemDataRole.UserRole)))
        self.tabs.addTab(self.details, "Details")
        self.tabs.addTab(events_tab, "Events")
        self.tabs.addTab(self.journeys, "Journeys")
        self.tabs.addTab(self.emails, "Emails")

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)

    def set_undo_actions(self, undo, redo) -> None:
        self.undo_button.setDefaultAction(undo)
        self.redo_button.setDefaultAction(redo)

    # ---- showing ---------------------------------------------------------------------

    def show_profile(self, profile) -> None:
        self.profile = profile
        self.setWindowTitle(f"Contact: {profile.email}")
        self.title.setText(profile.name or profile.email)
        test = " · test contact" if profile.is_test else ""
        self.subtitle.setText(f"{profile.email} · {profile.status.capitalize()} · lead score "
                              f"{formatting.count(profile.lead_score)}{test}")
        self.action_buttons["toggle_test"].setText(
            "No longer a test contact" if profile.is_test else ACTIONS["toggle_test"])
        self._show_details(profile)
        self._show_events(profile)
        self._show_journeys(profile)
        self._show_emails(profile)

    def _show_details(self, profile) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.field_edits = {}
        for name, label in FIELD_LABELS.items():
            self._add_field(name, label, profile.fields.get(name))
        for key, value in sorted(profile.attributes.items()):
            self._add_field(f"attributes.{key}", key, value)
        self.form.addRow("Status", QLabel(profile.status.capitalize()))
        self.form.addRow("Lead score", QLabel(formatting.count(profile.lead_score)))
        self.form.addRow("Joined", QLabel(formatting.timestamp(profile.created_at)))
        self.form.addRow("Lists", QLabel(", ".join(profile.lists) or "None"))
        self.form.addRow("Segments", QLabel(", ".join(profile.segments) or "None"))
        consents = [self._consent_words(c) for c in profile.consents]
        consent_label = QLabel("\n".join(consents) or "No consent recorded")
        consent_label.setWordWrap(True)
        consent_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow("Consent", consent_label)

    def _add_field(self, name: str, label: str, value) -> None:
        edit = QLineEdit("" if value is None else str(value))
        edit.setObjectName(f"field:{name}")
        edit.editingFinished.connect(lambda n=name, e=edit: self._field_edited(n, e))
        self.field_edits[name] = edit
        self.form.addRow(label, edit)

    def _field_edited(self, name: str, edit: QLineEdit) -> None:
        if self.profile is None:
            return
        if name.startswith("attributes."):
            current = self.profile.attributes.get(name.split(".", 1)[1])
        else:
            current = self.profile.fields.get(name)
        if edit.text() != ("" if current is None else str(current)):
            self.field_edit_requested.emit(name, edit.text())

    @staticmethod
    def _consent_words(consent) -> str:
        verb = "Agreed" if consent["granted"] else "Withdrew"
        evidence = consent["evidence"]
        known = [f"{key}: {evidence[key]}" for key in ("ip", "user_agent", "file", "line", "by")
                 if evidence.get(key) not in (None, "")]
        proof = f" — {', '.join(known)}" if known else ""
        return (f"{verb} ({consent['purpose']}) on {formatting.timestamp(consent['recorded_at'])}"
                f" via {consent['source']}{proof}")

    def _show_events(self, profile) -> None:
        self.events.clear()
        for event in profile.events:
            properties = json.dumps(event["properties"], ensure_ascii=False, default=str)
            self.events.addItem(f"{formatting.timestamp(event['at'])}  {event['name']}  "
                                f"{properties if event['properties'] else ''}".rstrip())
        self._filter_events(self.events_filter.text())

    def _filter_events(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.events.count()):
            item = self.events.item(row)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def visible_events(self) -> list[str]:
        return [self.events.item(r).text() for r in range(self.events.count())
                if not self.events.item(r).isHidden()]

    def _show_journeys(self, profile) -> None:
        self.journeys.clear()
        for trip in profile.journeys:
            state = trip.status if trip.ended_at is None else \
                f"{trip.status} ({trip.end_reason})" if trip.end_reason else trip.status
            top = QTreeWidgetItem([trip.journey, state.capitalize(),
                                   formatting.timestamp(trip.entered_at)])
            for line in trip.steps:
                top.addChild(QTreeWidgetItem([line.step, line.words,
                                              formatting.timestamp(line.at)]))
            self.journeys.addTopLevelItem(top)
            top.setExpanded(True)
        if not profile.journeys:
            self.journeys.addTopLevelItem(QTreeWidgetItem(
                ["Not in any journey yet", "A live journey's trigger, or Enter a journey now…", ""]))

    def step_words(self) -> list[str]:
        """Every step line's words, journey by journey (what the Journeys tab shows)."""
        return [self.journeys.topLevelItem(i).child(j).text(1)
                for i in range(self.journeys.topLevelItemCount())
                for j in range(self.journeys.topLevelItem(i).childCount())]

    def _show_emails(self, profile) -> None:
        self.emails.clear()
        for email in profile.emails:
            item = QTreeWidgetItem([email.subject or "(no subject)", email.status.capitalize(),
                                    formatting.timestamp(email.sent_at) if email.sent_at
                                    else formatting.EMPTY, str(email.opens), str(email.clicks)])
            item.setData(0, Qt.ItemDataRole.UserRole, email.message_id)
            self.emails.addTopLevelItem(item)
