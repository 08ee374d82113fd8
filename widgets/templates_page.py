"""The Templates page: every email — saved templates and the emails inside journeys — as cards
with a thumbnail, and the verbs on them.

Contract:
- `TemplatesPage(load)` where `load()` returns entries (see `app.template_library.
  LibraryEmail`: `ident`, `kind` "saved" or "journey", `name`, `subject`, `where`,
  `used_by`); `refresh()` calls it again and keeps the selection when still listed.
  Nothing at all: an empty state that says how templates come about, with "New template".
- A search field filters by name, subject and journey; "Show" picks all, saved
  templates or the emails in journeys.
- Verbs: "New template" emits `new_requested()`; a card's double-click, Enter or the
  buttons above the grid (and its context menu) emit `action_requested(verb, entry)`
  with verb in `VERBS`. Rename and Delete apply to saved templates only (a journey's
  email is renamed or removed in its journey); `verbs_for(entry)` says which apply.
- Thumbnails: after each refresh `thumbnails_wanted(entries)` lists the entries shown
  that have no picture yet; the owner answers with `set_thumbnail(ident, QImage)`.
  `redraw_thumbnails()` forgets them all and asks again (the brand kit changed).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
)

from widgets import formatting
from widgets.empty_state import EmptyState
from widgets.icons import icon
from widgets.page_parts import Card, Page
from widgets.table_model import ROW_ROLE
from widgets.template_grid import TemplatesModel, make_grid

VERBS = ("open", "use", "duplicate", "rename", "delete")
VERB_TEXTS = {
    "open": ("Open", "Return", "pencil"),
    "use": ("Use in a journey…", "Ctrl+J", "journeys"),
    "duplicate": ("Duplicate", "Ctrl+D", "copy"),
    "rename": ("Rename…", "F2", None),
    "delete": ("Delete…", "Del", "trash"),
}
SHOW = {"all": "All emails", "saved": "Saved templates", "journey": "In journeys"}

EMPTY_TITLE = "No email templates yet"
EMPTY_BODY = (
    "A template holds the subject line, preview text and design of one email. Start one "
    "from a starter design — welcome, cart reminder, discount, recommendations, feedback "
    "or newsletter — and use it in any journey. The emails inside your journeys show up "
    "here too."
)
NO_MATCH = "No email matches the search."


def verbs_for(entry: Any) -> list[str]:
    if entry.kind == "saved":
        return list(VERBS)
    return ["open", "use", "duplicate"]


def _matches(entry: Any, words: list[str], show: str) -> bool:
    if show != "all" and entry.kind != show:
        return False
    text = f"{entry.name} {entry.subject} {entry.where}".lower()
    return all(word in text for word in words)


class TemplatesPage(Page):
    new_requested = Signal()
    action_requested = Signal(str, object)  # verb, entry
    thumbnails_wanted = Signal(list)  # entries without a picture

    def __init__(self, load: Callable[[], Sequence[Any]], parent=None):
        super().__init__("Templates", "Every email: your saved templates and the emails in "
                         "your journeys.", parent)
        self._load = load
        self._all: list[Any] = []
        self.count_label = QLabel(objectName="countLabel")
        self.header.add_widget(self.count_label)
        self.new_button = QPushButton(icon("plus", "on_accent"), " New template")
        self.new_button.setProperty("primary", True)
        self.new_button.setToolTip("Start an email from a starter design (Ctrl+Shift+N)")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_button.clicked.connect(self.new_requested)
        self.header.add_widget(self.new_button)

        self.search = QLineEdit(placeholderText="Find an email by name, subject or journey…",
                                clearButtonEnabled=True)
        self.search.textChanged.connect(self._filter)
        self.show_choice = QComboBox()
        for value, label in SHOW.items():
            self.show_choice.addItem(label, value)
        self.show_choice.currentIndexChanged.connect(self._filter)
        self.buttons: dict[str, QPushButton] = {}
        self.actions: dict[str, QAction] = {}
        # the verbs on a row of their own, as on the Contacts page: beside them, at the
        # default window size, the search box kept ~100 px ("Find an e…")
        verbs = QHBoxLayout()
        verbs.addStretch(1)
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.search, 1)
        toolbar.addWidget(self.show_choice)

        self.model = TemplatesModel(self)
        self.grid = make_grid()
        self.grid.setModel(self.model)
        self.grid.activated.connect(lambda index: self._request("open", index.data(ROW_ROLE)))
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._context_menu)
        self.grid.selectionModel().selectionChanged.connect(self._update_buttons)
        for verb in VERBS:
            text, shortcut, icon_name = VERB_TEXTS[verb]
            button = QPushButton(icon(icon_name) if icon_name else icon("pencil"),
                                 " " + text.rstrip("…"))
            button.clicked.connect(lambda _c=False, v=verb: self._request(v, self.selected()))
            verbs.addWidget(button)
            self.buttons[verb] = button
            action = QAction(text, self.grid)
            if verb != "open":  # Return already opens through `activated`
                action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _c=False, v=verb: self._request(v, self.selected()))
            self.grid.addAction(action)
            self.actions[verb] = action
        self.content.addLayout(verbs)
        self.content.addLayout(toolbar)

        self.empty = EmptyState("templates", EMPTY_TITLE, EMPTY_BODY)
        self.no_match = QLabel(NO_MATCH, objectName="muted", alignment=Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        for widget in (self.grid, self.empty, self.no_match):
            self.stack.addWidget(widget)
        self.card = Card(margins=(8, 8, 8, 8))
        self.card.body.addWidget(self.stack)
        self.card.current_widget = self.stack.currentWidget  # as the other pages' cards
        self.content.addWidget(self.card, 1)
        self._update_buttons()

    # ---- rows ------------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected()
        self._all = list(self._load())
        self._filter()
        if selected is not None:
            self.select(selected.ident)

    def _filter(self) -> None:
        words = self.search.text().lower().split()
        show = self.show_choice.currentData()
        rows = [e for e in self._all if _matches(e, words, show)]
        self.model.set_rows(rows)
        saved = sum(1 for e in self._all if e.kind == "saved")
        self.count_label.setText(
            f"{formatting.plural(saved, 'saved template')} · "
            f"{formatting.plural(len(self._all) - saved, 'email')} in journeys"
            if self._all else "")
        self.stack.setCurrentWidget(self.grid if rows else
                                    self.no_match if self._all else self.empty)
        self._update_buttons()
        missing = [e for e in rows if not self.model.has_thumbnail(e.ident)]
        if missing:
            self.thumbnails_wanted.emit(missing)

    def redraw_thumbnails(self) -> None:
        """Every email looks different now (the brand kit changed): draw them all again."""
        self.model.clear_thumbnails()
        self._filter()

    def set_thumbnail(self, ident: str, image) -> None:
        self.model.set_thumbnail(ident, image)

    def entries(self) -> list[Any]:
        """The entries shown now (after the search and the Show choice)."""
        return list(self.model.rows)

    def select(self, ident: str) -> bool:
        for number, row in enumerate(self.model.rows):
            if row.ident == ident:
                self.grid.setCurrentIndex(self.model.index(number))
                return True
        return False

    def selected(self) -> Any | None:
        index = self.grid.currentIndex()
        if not index.isValid() or not self.grid.selectionModel().isSelected(index):
            return None
        return index.data(ROW_ROLE)

    # ---- verbs -----------------------------------------------------------------------------

    def _update_buttons(self, *_args) -> None:
        entry = self.selected()
        allowed = verbs_for(entry) if entry is not None else []
        for verb in VERBS:
            self.buttons[verb].setEnabled(verb in allowed)
            self.actions[verb].setEnabled(verb in allowed)
        if entry is not None and entry.kind != "saved":
            for verb in ("rename", "delete"):
                self.buttons[verb].setToolTip("A journey’s email is renamed or removed in "
                                              "its journey: open it")
        else:
            self.buttons["rename"].setToolTip("Rename the saved template (F2)")
            self.buttons["delete"].setToolTip("Delete the saved template (Del); refused while "
                                              "a journey uses it")
        self.buttons["duplicate"].setToolTip("Save a copy as a new template (Ctrl+D)")
        self.buttons["use"].setToolTip("Copy this email into a journey (Ctrl+J)")
        self.buttons["open"].setToolTip("Edit the email (Enter or double-click)")

    def _request(self, verb: str, entry: Any | None) -> bool:
        if entry is None or verb not in verbs_for(entry):
            return False
        self.action_requested.emit(verb, entry)
        return True

    def context_menu_for(self, entry: Any) -> QMenu:
        menu = QMenu(self)
        for verb in verbs_for(entry):
            action = menu.addAction(VERB_TEXTS[verb][0])
            action.triggered.connect(lambda _c=False, v=verb: self._request(v, entry))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.grid.indexAt(pos)
        if index.isValid():
            self.grid.setCurrentIndex(index)
            self.context_menu_for(index.data(ROW_ROLE)).exec(self.grid.viewport().mapToGlobal(pos))
