"""The main window: navigation rail, pages, menus and the status bar.

Contract:
- `MainWindow(db, settings, theme)` reads `db` only through `app.overview` (the pages
  never write); `settings` (QSettings) keeps the window's geometry, state and last page;
  `theme` (ThemeController) backs View ▸ Theme and Settings ▸ Appearance.
- Pages are keyed by name; switching between them (the rail, the stack, `add_page()`,
  `show_page(name)`, `page(name)`, `refresh()`) is app/window_pages.py
  (`PagesWindowParts`), which also remembers the page on screen.
- `set_engine_status(text, tone)` fills the engine area of the status bar; it follows
  the `EngineHost` given (`engine_host`; without one the window makes a stopped host:
  tests and screenshots never start an engine). Sending ▸ Pause all sending is the
  master switch; while it is on, the status bar says so in the warning tone.
- The journey editor is the page "editor" (no navigation item): the Journeys page and
  the File menu open journeys in it (`journeys`: `app.journey_actions.JourneyActions`);
  `.journey.json` files dropped on the window are imported. The editor page and the
  journey verbs (the canvas, the email editor, the walk-through: heavy imports) are made
  on first use, so the window comes up fast; `prepare_editor()` makes them ahead of time.
- First run (`first_run`: `app.first_run.FirstRun`): `offer_first_run()` shows the demo
  shop or empty start on the Journeys page when the database is empty (the app calls it
  once its window is shown).
- Settings ▸ Sending (`widgets.settings_sending`, driven by `app.sending_settings`, made
  when first shown): `show_settings(section)` opens the Settings page at a section; the
  status bar offers "Set up sending…" while the engine says no email server is set up.
  Saving restarts delivery on the new server. Sending ▸ Email server settings… opens it
  too, and Sending ▸ Send a test event… records a real event (`app.trial_tools`).
- Geometry, state and page are saved on close and restored on construction. Closing
  first asks `close_policy` (app/tray.py: hide to the tray, minimize, stay or quit; none:
  quit), then about unsaved journey changes (and stays open on Cancel), then stops the
  engine and emits `quit_confirmed` (the app's event loop ends on it). `quit_app(ask=True)`
  (File ▸ Quit, the tray's Quit, SIGTERM with ask=False: no question) quits whatever the
  close policy says.
- `open_journey_files(paths)` imports `.journey.json` files as drafts (a taken name gets a
  free one without asking) and opens the last; `handle_launch(message)` does what a later
  launch asked (app/single_instance.py): opens its files and brings the window up.
- Help ▸ About names the version and the database; Help ▸ Open log folder (help_menu).
- A journey's Results (`show_results(journey_id)`, the page "results", app/results_flow.py)
  opens from the journeys list (Results), the editor's header and the Dashboard page
  (figures across journeys, `dashboard_page`; a row of its revenue table opens them). The status bar
  says when a journey's unsubscribes or complaints spike (`spike_status`,
  app/spike_status.py; a click opens its Results).
- The Journeys page's rows (`app.overview.journeys_page_rows`) are read on the page's
  worker thread; each list shown (not the archived one) updates `spike_status` too. The
  Journeys and Dashboard pages, when on screen, re-read their figures after each
  analytics catch-up that folded new rows (`EngineHost.figures_updated`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QWidget

from app import overview
from app.contacts_workspace import ContactsWorkspace
from app.engine_host import EngineHost, describe
from app.segments_source import SegmentSource
from app.first_run import FirstRun
from app.help_menu import HelpMenu
from app.window_launch import LaunchWindowParts, app_version  # noqa: F401 (re-exported)
from app.window_links import LinksWindowParts
from app.window_pages import PagesWindowParts
from app.recent_files import RecentFiles
from app.results_flow import ResultsWindowParts, dashboard_loader, utc_today
from app.spike_status import SpikeStatus
from app.template_thumbnails import thumbnail_folder
from app.templates_controller import TemplatesController
from app.theme import ThemeController
from app.window_sending import SendingWindowParts
from engine.db.database import Database
from engine.words import plural
from widgets.icons import icon
from widgets.dashboard_page import DashboardPage
from widgets.journeys_page import JourneysPage
from widgets.segments_page import SegmentsPage
from widgets.settings_page import THEME_LABELS, SettingsPage
from widgets.templates_page import TemplatesPage

#: pages that show analytics rollups: re-read when the catch-up folded new rows
FIGURE_PAGES = ("journeys", "dashboard")

THEME_ICONS = {"light": "sun", "dark": "moon", "system": "monitor"}
DEFAULT_SIZE = (1280, 820)
MINIMUM_SIZE = (960, 600)

GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"


class MainWindow(PagesWindowParts, ResultsWindowParts, SendingWindowParts, LinksWindowParts,
                 LaunchWindowParts, QMainWindow):
    #: the window closed for good (not hidden to the tray): the app quits
    quit_confirmed = Signal()

    def __init__(self, db: Database, settings: QSettings, theme: ThemeController,
                 engine_host: EngineHost | None = None, parent=None):
        super().__init__(parent)
        self._db = db
        self._settings = settings
        self._theme = theme
        self.engine_host = engine_host or EngineHost(db, parent=self)
        self.recent = RecentFiles(settings, parent=self)
        self.setAcceptDrops(True)
        self._editor_page = None  # app.editor_page.EditorPage, made on first use
        self._journeys = None  # app.journey_actions.JourneyActions, with it
        self._library = None  # app.journey_library.JourneyLibrary, with it
        #: asked on close (app.tray.BackgroundTray); None: closing quits
        self.close_policy = None
        self._quitting = False
        self._ask_on_quit = True
        self.setWindowTitle("Trellis")
        self.setWindowIcon(icon("trellis", "accent"))
        self.setMinimumSize(*MINIMUM_SIZE)

        self._build_navigation()

        self._build_menus()
        self._build_status_bar()  # after the menus: it checks Sending ▸ Pause all sending
        self.spike_status = SpikeStatus(self, db)
        self._build_pages()
        theme.choice_changed.connect(self._theme_choice_changed)
        self._restore_layout()

    # ---- pages ---------------------------------------------------------------------------

    def _read(self, query: Callable, *args, **kwargs):
        with self._db.session() as session:
            return query(session, *args, **kwargs)

    def _journeys_page_rows(self, archived: bool = False):
        """The Journeys page's read: on the page's worker thread, so no Qt here."""
        return self._read(overview.journeys_page_rows, archived=archived)

    def _journeys_listed(self, rows) -> None:
        if not self.journeys_page.archived:
            self.spike_status.show(rows)  # the list and the status bar say the same

    def _build_pages(self) -> None:
        self.journeys_page = JourneysPage(self._journeys_page_rows)
        self.journeys_page.loaded.connect(self._journeys_listed)
        self.contacts = ContactsWorkspace(self._db, self, self.engine_host)
        self.contacts_page = self.contacts.page
        self.templates_page = TemplatesPage(lambda: self.templates.load())
        self.templates = TemplatesController(self, self._db, self.templates_page,
                                             thumbnail_folder(self._settings))
        location = overview.describe_database(self._db.url)
        self.settings_page = SettingsPage(
            location.display_url, location.backend, location.path, self._theme.choice
        )
        self.settings_page.theme_choice_requested.connect(self._theme.set_choice)
        self._build_sending_section()
        self._build_links_parts()
        self._build_brand_section()

        self.add_page(
            "journeys",
            self.journeys_page,
            ("journeys", "Journeys", "Customer journeys and who is in them now"),
        )
        self.add_page(
            "contacts",
            self.contacts_page,
            ("contacts", "Contacts", "Everyone your journeys can reach"),
        )
        self.add_page(
            "templates", self.templates_page, ("templates", "Templates", "Email templates")
        )
        self.segments_page = SegmentsPage(SegmentSource(self._db, self.engine_host.clock.now))
        self.add_page("segments", self.segments_page,
                      ("segment", "Segments", "Saved segments, counted as you build them"))
        self.dashboard_page = DashboardPage(dashboard_loader(self._db), utc_today)
        self.dashboard_page.journey_results_requested.connect(self.show_results)
        self.add_page("dashboard", self.dashboard_page,
                      ("chart", "Dashboard", "Revenue, emails and list growth across journeys"))
        self.add_page(
            "settings",
            self.settings_page,
            ("settings", "Settings", "Sending, theme and database location"),
            at_bottom=True,
        )
        self.journeys_page.journey_open_requested.connect(
            lambda journey_id: self.journeys.open_journey(journey_id))
        self.journeys_page.journey_action_requested.connect(
            lambda verb, journey_id: self.library.do(verb, journey_id))
        self.journeys_page.new_requested.connect(lambda: self.journeys.new_journey())
        self.journeys_page.import_requested.connect(lambda: self.journeys.import_file())
        self.journeys_page.export_done.connect(lambda path, count: self.statusBar().showMessage(
            f"Exported {plural(count, 'journey')} to {path}", 6000))
        self.journeys_page.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.first_run = FirstRun(self, self._db, self._settings, self.journeys_page)

    def _build_brand_section(self) -> None:
        from app.brand_settings import BrandSettings
        from widgets.brand_section import BrandSection

        self.brand_section = BrandSection()
        self.settings_page.add_section("brand", "Brand", self.brand_section, before="database")
        self.brand = BrandSettings(self, self._db, self.brand_section)

    # ---- the editor, made on first use -----------------------------------------------------

    def prepare_editor(self) -> None:
        """Make the editor page and the journey verbs now (the app does it when idle)."""
        if self._editor_page is not None:
            return
        from app.editor_page import EditorPage
        from app.journey_actions import JourneyActions
        from app.journey_library import JourneyLibrary

        page = EditorPage(self._db, self.engine_host, self._settings)
        self._editor_page = page
        self.add_page("editor", page)
        self._journeys = JourneyActions(self, self._db, page, self.recent)
        self._library = JourneyLibrary(self, self._db, self._journeys)
        page.back_requested.connect(lambda: self.show_page("journeys"))
        page.journeys_changed.connect(self.journeys_page.refresh)
        page.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        page.file_saved.connect(self.recent.add)
        page.waiting_contacts_requested.connect(self.show_waiting_contacts)
        page.contact_profile_requested.connect(self.contacts.open_profile)
        page.results_requested.connect(self.show_results)

    def show_waiting_contacts(self, journey_id: int, node_id: str, label: str) -> None:
        """The Contacts page, filtered to the contacts waiting at one step of a journey."""
        self.show_page("contacts")
        self.contacts.show_waiting(journey_id, node_id, label)

    @property
    def database(self) -> Database:
        return self._db

    @property
    def library(self):
        """The journeys list's verbs (`app.journey_library.JourneyLibrary`)."""
        self.prepare_editor()
        return self._library

    @property
    def editor_page(self):
        """The journey editor page (`app.editor_page.EditorPage`)."""
        self.prepare_editor()
        return self._editor_page

    @property
    def journeys(self):
        """The journey verbs (`app.journey_actions.JourneyActions`)."""
        self.prepare_editor()
        return self._journeys

    def offer_first_run(self) -> bool:
        """On an empty database, offer the demo shop or an empty start (on the Journeys
        page, whatever page was open last time)."""
        offered = self.first_run.offer()
        if offered:
            self.show_page("journeys")
        return offered

    # ---- status bar ----------------------------------------------------------------------

    def _show_notices(self, notices: list) -> None:
        """A guardrail pause or an A/B winner, said in the status bar (the tray says it too)."""
        from app.experiment_controls import notice_words

        words = [notice_words(n) for n in notices]
        if words:
            self.statusBar().showMessage(" · ".join(w for w in words if w), 15000)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if hasattr(self, "nav"):  # not before the rail is built
            self.fold_nav()

    def _figures_updated(self) -> None:
        """New rollups: the page on screen re-reads them if it shows any (its selection
        and scroll stay); other pages read them when they are next shown."""
        if self.current_page() in FIGURE_PAGES:
            self.page(self.current_page()).refresh()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self._engine_dot = QLabel(objectName="statusDot")
        self._engine_label = QLabel()
        self._engine_label.setToolTip(
            "The engine moves contacts through live journeys and sends their emails."
        )
        engine = QWidget()
        engine_row = QHBoxLayout(engine)
        engine_row.setContentsMargins(12, 0, 0, 0)
        engine_row.setSpacing(2)
        engine_row.addWidget(self._engine_dot, 0, Qt.AlignmentFlag.AlignVCenter)
        engine_row.addWidget(self._engine_label)
        bar.addWidget(engine)
        location = overview.describe_database(self._db.url)
        name = location.path.name if location.path else location.display_url
        database = QLabel(f"Database: {name}")
        database.setToolTip(str(location.path or location.display_url))
        bar.addPermanentWidget(database)
        self.set_engine_status("Engine: not running")
        self.engine_host.status_changed.connect(self._show_engine_status)
        self.engine_host.notices_arrived.connect(self._show_notices)
        self.engine_host.figures_updated.connect(self._figures_updated)
        # the countdown to the next tick moves even when nothing else changes
        self._engine_timer = QTimer(self, interval=1000)
        self._engine_timer.timeout.connect(self._show_engine_status)
        self._engine_timer.start()
        self._show_engine_status()

    def _show_engine_status(self, *_args) -> None:
        status = self.engine_host.status()
        self.set_engine_status(*describe(status, datetime.now(timezone.utc)))
        self.pause_sending.setChecked(status.sending_paused)

    def set_engine_status(self, text: str, tone: str = "neutral") -> None:
        """Show `text` in the engine area; `tone` colours its dot (see widgets.tokens.TONES)."""
        self._engine_label.setText(text)
        self._engine_dot.setProperty("tone", tone)
        # Dynamic properties only restyle after a re-polish.
        self._engine_dot.style().unpolish(self._engine_dot)
        self._engine_dot.style().polish(self._engine_dot)

    def engine_status(self) -> str:
        return self._engine_label.text()

    # ---- menus ---------------------------------------------------------------------------

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(icon("plus"), "&New journey…", QKeySequence.StandardKey.New,
                            lambda: self.journeys.new_journey())
        file_menu.addAction(icon("folder"), "&Import journey file…", QKeySequence.StandardKey.Open,
                            lambda: self.journeys.import_file())
        self._recent_menu = file_menu.addMenu("Recent journey &files")
        self.recent.changed.connect(self._fill_recent)
        self._fill_recent()
        file_menu.addSeparator()
        self.save_action = file_menu.addAction("&Save journey", lambda: self.editor_page.save())
        # Ctrl+S is the journey editor's own shortcut; two active Ctrl+S shortcuts would
        # cancel each other out, so here it is only shown (live only inside the menu)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.export_action = file_menu.addAction("&Export journey file…",
                                                 lambda: self.journeys.export_journey())
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit,
                                          lambda: self.quit_app())
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        view = menus.addMenu("&View")
        self._view_menu = view
        # add_page() inserts one action per navigable page above this separator
        self._page_actions_end = view.addSeparator()
        self._theme_menu = view.addMenu("&Theme")
        self._theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for choice, label in THEME_LABELS.items():
            action = QAction(icon(THEME_ICONS[choice]), label, self)
            action.setCheckable(True)
            action.setChecked(choice == self._theme.choice)
            action.triggered.connect(lambda _checked=False, c=choice: self._theme.set_choice(c))
            group.addAction(action)
            self._theme_menu.addAction(action)
            self._theme_actions[choice] = action
        view.addAction(icon("refresh"), "&Refresh", QKeySequence.StandardKey.Refresh, self.refresh)

        sending = menus.addMenu("&Sending")
        self.pause_sending = sending.addAction(icon("pause"), "&Pause all sending")
        self.pause_sending.setCheckable(True)
        self.pause_sending.setToolTip("The master switch: journeys keep running, but no email "
                                      "leaves until you switch it off again")
        self.pause_sending.toggled.connect(self._pause_sending_toggled)

        help_menu = menus.addMenu("&Help")
        self.help = HelpMenu(self, help_menu)
        help_menu.addSeparator()
        about = help_menu.addAction("&About Trellis", self._about)
        about.setMenuRole(QAction.MenuRole.AboutRole)

    def _pause_sending_toggled(self, paused: bool) -> None:
        if paused != self.engine_host.sending_paused():
            self.engine_host.set_sending_paused(paused)

    def _fill_recent(self) -> None:
        self._recent_menu.clear()
        for path in self.recent.paths():
            self._recent_menu.addAction(
                path.name, lambda p=path: self.journeys.import_file(p, on_conflict="replace"))
        self._recent_menu.setEnabled(bool(self.recent.paths()))

    def _update_actions(self, *_args) -> None:
        editing = (self._current == "editor" and self._editor_page is not None
                   and self._editor_page.document is not None)
        self.save_action.setEnabled(editing)
        self.export_action.setEnabled(
            editing or self.journeys_page.selected_journey_id() is not None)

    def _theme_choice_changed(self, choice: str) -> None:
        self._theme_actions[choice].setChecked(True)
        self.settings_page.set_theme_choice(choice)

    # ---- layout persistence ----------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self._settings.value(GEOMETRY_KEY)
        if geometry is None or not self.restoreGeometry(geometry):
            available = self.screen().availableGeometry()
            self.resize(
                min(DEFAULT_SIZE[0], available.width()), min(DEFAULT_SIZE[1], available.height())
            )
            self.move(available.center() - self.rect().center())
        state = self._settings.value(STATE_KEY)
        if state is not None:
            self.restoreState(state)
        self._restore_page()

    def quit_app(self, ask: bool = True) -> bool:
        """Close for good, whatever the close policy says; False when the marketer cancelled
        (unsaved changes). `ask=False` (SIGTERM) asks nothing."""
        self._quitting, self._ask_on_quit = True, ask
        try:
            closed = self.close()
        finally:
            self._quitting, self._ask_on_quit = False, True
        return closed

    def _save_layout(self) -> None:
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(STATE_KEY, self.saveState())
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        policy = self.close_policy
        decision = "quit" if self._quitting or policy is None else policy.on_close()
        if decision != "quit":
            event.ignore()
            if decision == "hide":
                self._save_layout()
                self.hide()
            elif decision == "minimize":
                self.showMinimized()
            return
        if (self._ask_on_quit and self._editor_page is not None
                and not self._editor_page.close()):
            event.ignore()
            return
        self.engine_host.stop()
        self._save_layout()
        super().closeEvent(event)
        self.quit_confirmed.emit()
