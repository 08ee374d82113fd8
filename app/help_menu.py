"""The Help menu: Getting started, Keyboard shortcuts, Open log folder (About stays the
window's).

Contract:
- `HelpMenu(window, menu)` adds "Getting started" (F1) and "Keyboard shortcuts"
  (Ctrl+/) to `menu`. Both dialogs are non-modal and made anew each time they open.
- Getting started walks the first hour: the demo shop → open a journey → preview an email
  → walk a contact through → set up sending and publish. Each step's button does it in
  the window; steps that cannot be done yet (no journey open, demo on a non-empty
  database) have their button disabled with the reason.
- Keyboard shortcuts are read from the real actions: the menus, the Journeys list's row
  actions and a journey editor's canvas actions (`shortcut_sections(window)`).
- Open log folder shows `app.logs.log_folder()` (created if missing) in the file manager
  through QDesktopServices.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from widgets.help_dialogs import GettingStartedDialog, GuideStep, ShortcutsDialog

STARTING_JOURNEY = "Abandoned cart"

GUIDE = [
    GuideStep("demo", "Explore the demo shop",
              "Juniper & Oak comes with customers, orders and six starter journeys, so "
              "every screen shows something real. Nothing is sent.", "Create the demo shop"),
    GuideStep("open", "Open a journey",
              "A journey is a trigger, then waits, checks and emails. Open one from the "
              "Journeys page (double-click, or Enter).", f"Open “{STARTING_JOURNEY}”"),
    GuideStep("preview", "Preview its emails",
              "Preview email shows each email for a real contact, on desktop and mobile "
              "widths, with their cart, products and name filled in.", "Preview an email"),
    GuideStep("walk", "Walk a contact through",
              "Walk through shows, step by step, what one contact would receive and when. "
              "Nothing is sent.", "Walk through"),
    GuideStep("publish", "Set up sending, then publish",
              "Add your email server in Settings ▸ Sending and send yourself a test. "
              "Publish tells you who can enter and what they will receive.",
              "Open the sending settings"),
]


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…. ")


def _keys(action: QAction) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                     for s in action.shortcuts() if not s.isEmpty())


def _rows(actions) -> list[tuple[str, str]]:
    rows = []
    for action in actions:
        if action.isSeparator() or not action.text():
            continue
        keys = _keys(action)
        if keys:
            rows.append((_plain(action.text()), keys))
    return rows


def _menu_actions(menu: QMenu):
    for action in menu.actions():
        if action.menu() is not None:
            yield from _menu_actions(action.menu())
        else:
            yield action


def shortcut_sections(window) -> list[tuple[str, list[tuple[str, str]]]]:
    everywhere = []
    for top in window.menuBar().actions():
        if top.menu() is not None:
            everywhere += _rows(_menu_actions(top.menu()))
    journeys = [("Open", "Return")] + _rows(window.journeys_page.row_actions.values())
    sections = [("Everywhere", everywhere), ("Journeys list", journeys)]
    editor = window.editor_page.editor
    if editor is not None:
        sections.append(("Journey canvas", canvas_rows(editor)))
    else:  # a journey editor's actions, read from one made for the purpose
        from app.journey_document import JourneyDocument
        from engine.journey.model import Journey
        from widgets.canvas.editor_widget import JourneyEditor

        document = JourneyDocument(Journey("Shortcuts"))
        probe = JourneyEditor(document)
        sections.append(("Journey canvas", canvas_rows(probe)))
        probe.deleteLater()
        document.close()
    return sections


def canvas_rows(editor) -> list[tuple[str, str]]:
    actions = editor.canvas_actions
    rows = _rows([actions.undo, actions.redo])
    rows = [(text.split(" ")[0], keys) for text, keys in rows]  # "Undo Add Delay" -> "Undo"
    rows += _rows(editor.view.actions())
    rows.append(("Pan the canvas", "Space+drag, middle-drag"))
    rows.append(("Add a step after the selected one", "Double-click in Steps"))
    return rows


class HelpMenu(QObject):
    def __init__(self, window, menu: QMenu):
        super().__init__(window)
        self.window = window
        self.getting_started_action = menu.addAction("&Getting started", self.getting_started)
        self.getting_started_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.shortcuts_action = menu.addAction("&Keyboard shortcuts", self.shortcuts)
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        menu.addSeparator()
        self.log_folder_action = menu.addAction("Open &log folder", self.open_log_folder)
        self.log_folder_action.setToolTip("Where Trellis writes what it did (trellis.log)")
        self.guide: GettingStartedDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None

    # ---- getting started -----------------------------------------------------------------------

    def getting_started(self) -> GettingStartedDialog:
        if self.guide is not None and self.guide.isVisible():
            self.guide.raise_()
            return self.guide
        self.guide = GettingStartedDialog(GUIDE, self.window)
        self.guide.step_requested.connect(self.do_step)
        self._update_guide()
        self.guide.show()
        return self.guide

    def _update_guide(self) -> None:
        from engine.demo.shop import is_empty

        if self.guide is None:
            return
        empty = is_empty(self.window.database)
        self.guide.set_step_enabled("demo", empty,
                                    None if empty else "Your database has data already")
        editor = self.window.editor_page
        has_email = editor.document is not None and bool(editor.document.journey.templates)
        self.guide.set_step_enabled("preview", has_email)
        self.guide.set_step_enabled("walk", editor.document is not None)

    def do_step(self, key: str) -> None:
        window = self.window
        if key == "demo":
            window.show_page("journeys")
            window.first_run.explore()
        elif key == "open":
            window.show_page("journeys")
            self._open_starting_journey()
        elif key == "preview":
            editor = window.editor_page
            if editor.document is not None and editor.document.journey.templates:
                window.show_page("editor")
                editor.emails.edit(next(iter(editor.document.journey.templates)))
        elif key == "walk":
            editor = window.editor_page
            if editor.document is not None:
                window.show_page("editor")
                editor.header.walkthrough.setChecked(True)
        elif key == "publish":
            show = getattr(window, "show_settings", None)
            show("sending") if show else window.show_page("settings")
        self._update_guide()

    def _open_starting_journey(self) -> bool:
        # read here, not taken from the Journeys page, whose rows may still be on their way
        from engine.journey.store import list_journeys

        with self.window.database.session() as session:
            rows = list_journeys(session, archived=False, recently_edited_first=True)
        chosen = next((r for r in rows if r.name == STARTING_JOURNEY), None)
        chosen = chosen or (rows[0] if rows else None)
        return chosen is not None and self.window.journeys.open_journey(chosen.id)

    # ---- logs --------------------------------------------------------------------------------

    def open_log_folder(self) -> bool:
        """Show the log folder in the file manager (created first, so there is one to show)."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from app.logs import log_folder

        folder = log_folder()
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # ---- keyboard shortcuts --------------------------------------------------------------------

    def shortcuts(self) -> ShortcutsDialog:
        self.shortcuts_dialog = ShortcutsDialog(shortcut_sections(self.window), self.window)
        self.shortcuts_dialog.show()
        return self.shortcuts_dialog
