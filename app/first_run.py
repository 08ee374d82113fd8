"""First run: on an empty database, offer "Explore the demo shop" or "Start empty".

Contract:
- `FirstRun(window, database, settings, page)`: `page` is the Journeys page (its
  `WelcomeCard`), `window` the main window (its status bar and pages are refreshed).
- `offer()` shows the welcome card when the database is empty (`engine.demo.shop.is_empty`)
  and no choice was made for this database yet (QSettings `firstRun/<database id>`); it
  returns whether it did. `expect()` is its quick forecast for the window's first paint
  (no choice made and no journey listed), without loading the engine's demo module;
  while the Journeys page's first read is on its way, the card shows when that answer
  is empty. `offer()` then confirms or takes the card back. A choice is remembered, so it is not
  offered again for that database; while no choice is made it is offered at every start,
  as long as the database stays empty.
- "Explore": `engine.demo.shop.create_demo(database, 500, now=SystemClock().now())` runs off
  the GUI thread (`app.background.Task`) with a busy bar on the card; then the choice is
  remembered, the pages are re-read, the card goes once the Journeys page lists the
  shop's journeys, and the status bar says what the shop holds (`demo_created(summary)`). `DemoRefused` (the database got data meanwhile)
  is explained in a message box and the card goes; any other failure is said on the
  card, whose buttons work again.
- "Start empty": the choice is remembered and the card gives way to the usual empty list
  (New journey, Import).
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from app.background import Task
from engine.db.database import Database

SETTINGS_GROUP = "firstRun"
DEMO, EMPTY = "demo", "empty"
DEMO_CONTACTS = 500
BUSY_TEXT = ("Setting up Juniper & Oak: customers, three months of orders and six "
             "journeys… (a few seconds)")


def database_key(database: Database) -> str:
    """A settings key for this database (its URL, password left out, hashed)."""
    from sqlalchemy.engine import make_url

    url = make_url(database.url).render_as_string(hide_password=True)
    return f"{SETTINGS_GROUP}/{hashlib.sha256(url.encode()).hexdigest()[:16]}"


class FirstRun(QObject):
    demo_created = Signal(object)  # engine.demo.shop.DemoSummary

    def __init__(self, window, database: Database, settings: QSettings, page):
        super().__init__(window)
        self.window, self.database, self.settings, self.page = window, database, settings, page
        self._task: Task | None = None
        self._forecast = False  # expect() waits for the list's first answer
        page.demo_requested.connect(self.explore)
        page.start_empty_requested.connect(self.start_empty)

    def choice(self) -> str | None:
        value = self.settings.value(database_key(self.database))
        return str(value) if value else None

    def _remember(self, choice: str) -> None:
        self.settings.setValue(database_key(self.database), choice)
        self.settings.sync()

    def expect(self) -> bool:
        shown = self.choice() is None and self.page.model.rowCount() == 0
        if shown and self.page.loading:
            # the list is on its way (read off the GUI thread): the card comes with an
            # empty answer, so a database with journeys never flashes it
            self._forecast = True
            self.page.loaded.connect(self._forecast_answered,
                                     Qt.ConnectionType.SingleShotConnection)
        else:
            self.page.set_welcome(shown)
        return shown

    def _forecast_answered(self, rows) -> None:
        if self._forecast and not rows:
            self.page.set_welcome(True)
        self._forecast = False

    def offer(self) -> bool:
        self._forecast = False  # the offer decides from here on
        # journeys listed: not empty, and no need to load the demo module to know it
        shown = self.choice() is None and self.page.model.rowCount() == 0
        if shown:
            from engine.demo.shop import is_empty

            shown = is_empty(self.database)
        self.page.set_welcome(shown)
        return shown

    def is_running(self) -> bool:
        return self._task is not None

    def start_empty(self) -> None:
        self._remember(EMPTY)
        self.page.set_welcome(False)

    def explore(self) -> None:
        if self._task is not None:
            return
        from engine.clock import SystemClock
        from engine.demo.shop import create_demo  # imported here: the worker thread only runs it

        database, now = self.database, SystemClock().now()

        def work(_progress, _cancelled):
            return create_demo(database, DEMO_CONTACTS, now=now)

        self.page.welcome.set_busy(BUSY_TEXT)
        self._task = Task(work, self, name="trellis-demo-shop")
        self._task.succeeded.connect(self._created)
        self._task.failed.connect(self._failed)
        self._task.finished.connect(self._finished)
        self._task.start()

    def _finished(self) -> None:
        self._task.deleteLater()
        self._task = None

    def _created(self, summary) -> None:
        self._remember(DEMO)
        self.window.refresh_pages()
        # the card goes when the shop's journeys are listed (read off the GUI thread), so
        # no empty list shows in between
        self.page.loaded.connect(lambda _rows: self.page.set_welcome(False),
                                 Qt.ConnectionType.SingleShotConnection)
        from engine.demo.shop import SHOP_SETTINGS

        self.window.statusBar().showMessage(
            f"Demo shop “{SHOP_SETTINGS['sender_name']}” is ready: {summary.contacts:,} "
            f"customers, {summary.orders:,} orders and {summary.journeys} journeys to explore "
            "— open one to see it on the canvas", 15000)
        self.demo_created.emit(summary)

    def _failed(self, reason: str) -> None:
        from engine.demo.shop import is_empty

        if not is_empty(self.database):  # DemoRefused: data arrived meanwhile
            self.page.set_welcome(False)
            self.window.refresh_pages()
            QMessageBox.information(
                self.window, "The demo shop was not added",
                "This database already holds your data, and the demo shop is only added to "
                "an empty one, so invented customers never mix with real ones.\n\n"
                "To explore the demo, open Trellis on a new database, for example:\n"
                "python main.py --db sqlite:///demo.db")
            return
        self.page.welcome.set_busy(None)
        self.page.welcome.show_message(f"The demo shop could not be set up: {reason}")
