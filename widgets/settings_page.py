"""The Settings page: how Trellis looks, and where its database lives.

Contract:
- `SettingsPage(database_url, backend, path, theme_choice)` shows the database location
  (URL with any password already hidden by the caller, the SQLite file path if any) and
  the theme choice. It writes nothing itself.
- Picking a theme emits `theme_choice_requested("light" | "dark" | "system")`; whoever
  owns the setting applies it and calls `set_theme_choice()` back (which never emits).
- "Copy location" puts the file path (or the URL) on the clipboard; "Show in folder" opens
  the SQLite file's folder in the system file manager.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
)

from widgets.icons import icon
from widgets.page_parts import Card, Page

THEME_LABELS = {
    "light": "Light",
    "dark": "Dark",
    "system": "Follow system",
}
CARD_MAX_WIDTH = 760
BUTTON_GAP = " "  # Fusion leaves too little air between a button's icon and its text


def _card(title: str, description: str) -> Card:
    card = Card()
    card.setMaximumWidth(CARD_MAX_WIDTH)
    card.body.addWidget(QLabel(title, objectName="cardTitle"))
    text = QLabel(description, objectName="muted")
    text.setWordWrap(True)
    card.body.addWidget(text)
    card.body.addSpacing(4)
    return card


def _value(text: str) -> QLabel:
    label = QLabel(text, objectName="fieldValue")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class SettingsPage(Page):
    theme_choice_requested = Signal(str)

    def __init__(
        self,
        database_url: str,
        backend: str,
        path: Path | None,
        theme_choice: str,
        parent=None,
    ):
        super().__init__("Settings", "Preferences for this computer.", parent)
        self._location = str(path) if path else database_url
        self._folder = path.parent if path else None

        appearance = _card(
            "Appearance",
            "Follow system switches between light and dark with your operating system.",
        )
        self.theme_buttons: dict[str, QRadioButton] = {}
        group = QButtonGroup(self)
        row = QHBoxLayout()
        row.setSpacing(28)
        for choice, label in THEME_LABELS.items():
            button = QRadioButton(label)
            button.setObjectName(f"theme_{choice}")
            button.toggled.connect(
                lambda checked, choice=choice: checked and self.theme_choice_requested.emit(choice)
            )
            group.addButton(button)
            self.theme_buttons[choice] = button
            row.addWidget(button)
        row.addStretch(1)
        appearance.body.addLayout(row)
        self.set_theme_choice(theme_choice)

        database = _card(
            "Database",
            "Where Trellis keeps your contacts, journeys, templates and everything they do. "
            "Start Trellis with <code>--db URL</code> to use another one.",
        )
        form = QFormLayout()
        form.setHorizontalSpacing(20)
        form.setVerticalSpacing(10)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(QLabel("Kind", objectName="fieldLabel"), QLabel(backend))
        if path is not None:
            form.addRow(QLabel("File", objectName="fieldLabel"), _value(str(path)))
        form.addRow(QLabel("URL", objectName="fieldLabel"), _value(database_url))
        database.body.addLayout(form)
        database.body.addSpacing(4)

        buttons = QHBoxLayout()
        copy = QPushButton(icon("copy"), BUTTON_GAP + "Copy location")
        copy.setToolTip("Copy the database location to the clipboard")
        copy.clicked.connect(self.copy_location)
        buttons.addWidget(copy)
        if self._folder is not None:
            show = QPushButton(icon("folder"), BUTTON_GAP + "Show in folder")
            show.setToolTip("Open the folder that holds the database file")
            show.clicked.connect(self._show_folder)
            buttons.addWidget(show)
        buttons.addStretch(1)
        database.body.addLayout(buttons)

        self.content.addWidget(appearance)
        self.content.addWidget(database)
        self.content.addStretch(1)

    def refresh(self) -> None:
        """Nothing here changes behind the page's back."""

    def set_theme_choice(self, choice: str) -> None:
        button = self.theme_buttons[choice]
        button.blockSignals(True)
        button.setChecked(True)
        button.blockSignals(False)

    def copy_location(self) -> None:
        QGuiApplication.clipboard().setText(self._location)

    def _show_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._folder)))
