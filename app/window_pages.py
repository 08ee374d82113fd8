"""The main window's page switching: the navigation rail, the stack of pages, and which
page is on screen.

Contract: `PagesWindowParts` is mixed into `app.main_window.MainWindow`, which calls
`_build_navigation()` before its menus and pages, and `_restore_page()` last. It uses the
window's `_settings` (QSettings), `editor_page`, the View menu (`_view_menu`, with
`_page_actions_end` where page actions go) and `_update_actions()`.
- Pages are keyed by name (`PAGE_NAMES`, plus "editor", the journey editor, made on
  first use by the window's `editor_page`); `add_page(name, page, nav)` puts one in the
  stack, and with `nav` = (icon name, label, tooltip) on the rail too, with a View menu
  action and a Ctrl+N shortcut in rail order.
- `show_page(name)` refreshes a page and brings it up (ValueError for an unknown name);
  the editor folds the rail to icons and belongs to the Journeys item; so does every
  page while the window is narrower than `NAV_FOLDS_BELOW` (`fold_nav()`, called again
  as the window is resized), so a page's title and buttons keep their room. The page on screen
  is remembered in the window's QSettings (`PAGE_KEY`); `_restore_page()` brings it back,
  never the editor (no journey is open at start).
- `refresh()` re-reads the page on screen (View ▸ Refresh), `refresh_pages()` every list.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QWidget

from widgets.icons import icon
from widgets.nav_bar import NavBar
from widgets.page_parts import Page

PAGE_NAMES = ("journeys", "contacts", "templates", "segments", "dashboard", "settings")
PAGE_KEY = "window/page"
#: px of window width below which the rail shows its icons only on every page
NAV_FOLDS_BELOW = 1100


class PagesWindowParts:
    def _build_navigation(self) -> None:
        self._pages: dict[str, Page] = {}
        self._current = PAGE_NAMES[0]
        self.nav = NavBar()
        self.nav.current_changed.connect(self.show_page)
        self.stack = QStackedWidget(objectName="contentArea")
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _restore_page(self) -> None:
        page = str(self._settings.value(PAGE_KEY, PAGE_NAMES[0]))
        # the editor is never restored: no journey is open at start
        self.show_page(page if page in PAGE_NAMES else PAGE_NAMES[0])

    def add_page(
        self,
        name: str,
        page: Page,
        nav: tuple[str, str, str] | None = None,
        at_bottom: bool = False,
    ) -> None:
        """Add `page` under `name`; `nav` = (icon name, label, tooltip) puts it on the rail."""
        if name in self._pages:
            raise ValueError(f"a page named {name!r} exists already")
        self._pages[name] = page
        self.stack.addWidget(page)
        if nav is None:
            return
        icon_name, label, tooltip = nav
        number = len(self.nav.keys()) + 1  # Ctrl+1, Ctrl+2… in rail order
        shortcut = QKeySequence(f"Ctrl+{number}")
        self.nav.add_item(
            name,
            icon_name,
            label,
            f"{tooltip} ({shortcut.toString(QKeySequence.SequenceFormat.NativeText)})",
            at_bottom,
        )
        action = QAction(icon(icon_name), label, self)
        action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False, name=name: self.show_page(name))
        self._view_menu.insertAction(self._page_actions_end, action)

    def page_names(self) -> list[str]:
        return [*self._pages, *(["editor"] if "editor" not in self._pages else [])]

    def page(self, name: str) -> Page:
        if name == "editor":
            return self.editor_page
        return self._pages[name]

    def current_page(self) -> str:
        return self._current

    def show_page(self, name: str) -> None:
        page = self.editor_page if name == "editor" else self._pages.get(name)
        if page is None:
            raise ValueError(f"unknown page {name!r}; choose from {', '.join(self._pages)}")
        page.refresh()
        self.stack.setCurrentWidget(page)
        self._current = name
        self.fold_nav()
        if name in self.nav.keys():
            self.nav.set_current(name)
        elif name == "editor":
            self.nav.set_current("journeys")  # the editor belongs to the Journeys section
        self._settings.setValue(PAGE_KEY, name)
        self._update_actions()

    def fold_nav(self) -> None:
        """Icons only on the rail in the editor (the canvas takes its room) and on any
        page of a narrow window."""
        self.nav.set_compact(self._current == "editor" or self.width() < NAV_FOLDS_BELOW)

    def refresh(self) -> None:
        """Re-read the page on screen (View ▸ Refresh)."""
        self.page(self.current_page()).refresh()

    def refresh_pages(self) -> None:
        """Re-read every list (after the demo shop filled the database)."""
        for name in PAGE_NAMES:
            self.page(name).refresh()
        self._update_actions()
