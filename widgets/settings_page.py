"""The Settings page: sections listed on the left (General, Database, and whatever the app
adds: Sending, Tracking…), one shown at a time on the right.

Contract:
- `SettingsPage(database_url, backend, path, theme_choice)` starts with two sections:
  "general" (the theme) and "database" (the location: URL with any password already
  hidden by the caller, the SQLite file path if any). It writes nothing itself.
- `add_section(name, title, widget, before=None)` adds a section (placed before the
  section `before`, else at the end); the widget scrolls when taller than the page.
  `add_card(name, card)` puts one more card under a built-in section's cards (General,
  Database).
  `show_section(name)` brings one up (ValueError for an unknown name), `current_section()`
  and `section_names()` say what is there. A section widget with a `refresh()` method is
  refreshed when the page or the section is shown.
- Picking a theme emits `theme_choice_requested("light" | "dark" | "system")`; whoever
  owns the setting applies it and calls `set_theme_choice()` back (which never emits).
- "Copy location" puts the file path (or the URL) on the clipboard; "Show in folder" opens
  the SQLite file's folder in the system file manager.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from widgets.icons import icon
from widgets.page_parts import Card, Page

THEME_LABELS = {
    "light": "Light",
    "dark": "Dark",
    "system": "Follow system",
}
CARD_MAX_WIDTH = 760
SECTION_LIST_WIDTH = 190
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


class _SectionScroll(QScrollArea):
    """A scroll area that gives its widget the height its word-wrapped labels need.

    QScrollArea sizes a taller-than-the-view widget by its minimum size hint, which
    ignores height-for-width: wrapped notes under the fields then overlapped the fields."""

    def __init__(self):
        super().__init__(widgetResizable=True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)  # notes shown or hidden later change the height

    def eventFilter(self, watched, event) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit_height()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event) -> None:
        self._fit_height()
        super().resizeEvent(event)

    def _fit_height(self) -> None:
        widget = self.widget()
        if widget is not None and widget.hasHeightForWidth():
            width = min(self.viewport().width(), widget.maximumWidth())
            widget.setMinimumHeight(widget.heightForWidth(width))


def _stacked(*cards: QWidget) -> QWidget:
    """Cards one under the other, top-aligned: one section's content."""
    widget = QWidget()
    column = QVBoxLayout(widget)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(20)
    for card in cards:
        column.addWidget(card)
    column.addStretch(1)
    return widget


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
        super().__init__("Settings", "How Trellis sends email, looks, and where it keeps "
                         "its data.", parent)
        self._sections: dict[str, QWidget] = {}
        self.section_list = QListWidget(objectName="settingsSections")
        self.section_list.setFixedWidth(SECTION_LIST_WIDTH)
        self.section_list.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)
        self.section_list.currentRowChanged.connect(self._row_changed)
        self.sections = QStackedWidget()
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self.section_list, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.sections, 1)
        self.content.addLayout(row, 1)
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

        self.add_section("general", "General", _stacked(appearance))
        self.add_section("database", "Database", _stacked(database))

    # ---- sections ------------------------------------------------------------------------

    def add_section(self, name: str, title: str, widget: QWidget,
                    before: str | None = None) -> None:
        if name in self._sections:
            raise ValueError(f"a settings section named {name!r} exists already")
        scroll = _SectionScroll()
        scroll.setWidget(widget)
        names = list(self._sections)
        index = names.index(before) if before in self._sections else len(names)
        self._sections = dict([*[(n, self._sections[n]) for n in names[:index]],
                               (name, widget),
                               *[(n, self._sections[n]) for n in names[index:]]])
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, name)
        self.sections.insertWidget(index, scroll)
        self.section_list.insertItem(index, item)
        if self.section_list.currentRow() < 0:
            self.section_list.setCurrentRow(0)

    def add_card(self, name: str, card: QWidget) -> None:
        column = self.section(name).layout()
        if not isinstance(column, QVBoxLayout):
            raise ValueError(f"the settings section {name!r} does not take extra cards")
        column.insertWidget(column.count() - 1, card)  # above the closing stretch

    def section_names(self) -> list[str]:
        return list(self._sections)

    def section(self, name: str) -> QWidget:
        return self._sections[name]

    def current_section(self) -> str:
        return self.section_names()[self.section_list.currentRow()]

    def show_section(self, name: str) -> None:
        if name not in self._sections:
            raise ValueError(f"unknown settings section {name!r}; choose from "
                             f"{', '.join(self._sections)}")
        row = self.section_names().index(name)
        if self.section_list.currentRow() == row:
            self._refresh_section(name)
        self.section_list.setCurrentRow(row)

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        self.sections.setCurrentIndex(row)
        self._refresh_section(self.section_names()[row])

    def _refresh_section(self, name: str) -> None:
        refresh = getattr(self._sections[name], "refresh", None)
        if callable(refresh):
            refresh()

    def refresh(self) -> None:
        """Re-read the section on screen (the sections the app adds read the database)."""
        if self.section_list.currentRow() >= 0:
            self._refresh_section(self.current_section())

    def set_theme_choice(self, choice: str) -> None:
        button = self.theme_buttons[choice]
        button.blockSignals(True)
        button.setChecked(True)
        button.blockSignals(False)

    def copy_location(self) -> None:
        QGuiApplication.clipboard().setText(self._location)

    def _show_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._folder)))
