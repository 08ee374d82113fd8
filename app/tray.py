"""Running in the background: the tray / menu-bar icon and what closing the window means.

Contract:
- `BackgroundTray(window, host, settings, tray_available=None, now=None)` attaches to the
  main window (`window.close_policy`). `tray_available` (a callable, default
  `QSystemTrayIcon.isSystemTrayAvailable`) is the seam tests use: offscreen Qt has no tray.
  With a tray, the icon is shown for as long as the app runs; its menu shows the engine's
  state, Open Trellis, Pause all sending (the window's master switch, the same action)
  and Quit (`window.quit_app()`: the engine stops as on SIGTERM). Clicking the icon shows
  the window.
- `on_close() -> "quit" | "hide" | "minimize" | "stay"`, asked by the window's closeEvent:
  no live journey, or the engine not running here → "quit". Live journeys with a tray: the
  first time, "Keep sending in the background?" (Keep sending / Quit / Cancel); the answer
  is remembered in QSettings (`CLOSE_KEY`: "background" or "quit"; Settings ▸ General
  changes it) — "hide" puts the window away and says once, from the tray, that Trellis
  keeps sending. Without a tray, every close asks whether to stop sending
  (Quit and stop sending / Minimize / Cancel).
- `notifier` (`app.notifications.Notifier`) shows its notifications from the tray (in the
  status bar when there is no tray) and follows the host's status.
- `show_window()` brings the window back (also after a second launch).
- `general_card(autostart)` makes Settings ▸ General (widgets.settings_general) on
  `autostart` (app.autostart.Autostart) and this tray's close choice; the app offers it as
  the card `app.gui` puts under Settings ▸ General.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QMenu, QMessageBox, QSystemTrayIcon
from sqlalchemy import func, select

from app.engine_host import RUNNING, describe
from app.notifications import Notifier
from widgets.icons import icon

CLOSE_KEY = "background/on_close"
BACKGROUND, QUIT = "background", "quit"
HIDDEN_HINT_KEY = "background/hint_shown"
QUIT_, HIDE, MINIMIZE, STAY = "quit", "hide", "minimize", "stay"


def live_journeys(database) -> int:
    from engine.db.models import JourneyRow, JourneyStatus

    with database.session() as session:
        return session.scalar(select(func.count()).select_from(JourneyRow)
                              .where(JourneyRow.status == JourneyStatus.LIVE))


class BackgroundTray(QObject):
    def __init__(self, window, host, settings: QSettings,
                 tray_available: Callable[[], bool] | None = None,
                 now: Callable[[], datetime] | None = None):
        super().__init__(window)
        self.window, self.host, self.settings = window, host, settings
        self._tray_available = tray_available or QSystemTrayIcon.isSystemTrayAvailable
        self.tray = QSystemTrayIcon(icon("trellis", "accent"), self)
        self.menu = QMenu()
        self.state_action = self.menu.addAction("Engine: not running")
        self.state_action.setEnabled(False)
        self.menu.addSeparator()
        self.open_action = self.menu.addAction("&Open Trellis", self.show_window)
        self.menu.addAction(window.pause_sending)
        self.menu.addSeparator()
        self.quit_action = self.menu.addAction("&Quit Trellis", lambda: window.quit_app())
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._activated)
        self.tray.messageClicked.connect(self.show_window)
        self.notifier = Notifier(self._notify, now or (lambda: datetime.now(timezone.utc)))
        host.status_changed.connect(self._status_changed)
        host.status_changed.connect(self.notifier.status_changed)
        host.notices_arrived.connect(self.notifier.journey_notices)
        window.close_policy = self
        self._status_changed(host.status())
        if self.available():
            self.tray.show()

    def available(self) -> bool:
        return bool(self._tray_available())

    def close_choice(self) -> str | None:
        value = self.settings.value(CLOSE_KEY)
        return value if value in (BACKGROUND, QUIT) else None

    def set_close_choice(self, choice: str | None) -> None:
        """`BACKGROUND`, `QUIT`, or None to ask again at the next close."""
        if choice is None:
            self.settings.remove(CLOSE_KEY)
        elif choice in (BACKGROUND, QUIT):
            self.settings.setValue(CLOSE_KEY, choice)
        else:
            raise ValueError(f"unknown close choice {choice!r}; choose background or quit")

    # ---- closing the window ------------------------------------------------------------------

    def on_close(self) -> str:
        if self.host.state != RUNNING:
            return QUIT_
        live = live_journeys(self.host.database)
        if not live:
            return QUIT_
        if not self.available():
            return self._ask_stop(live)
        choice = self.close_choice()
        if choice is None:
            choice = self._ask_background(live)
            if choice is None:
                return STAY
            self.set_close_choice(choice)
        if choice == QUIT:
            return QUIT_
        self.tray.show()
        if not self.settings.value(HIDDEN_HINT_KEY, False, type=bool):
            self.settings.setValue(HIDDEN_HINT_KEY, True)
            self.notifier.notify("Trellis keeps sending",
                                 "Your journeys run from here. Quit Trellis from this icon to "
                                 "stop.")
        return HIDE

    def _ask_background(self, live: int) -> str | None:
        box = QMessageBox(QMessageBox.Icon.Question, "Trellis",
                          "Keep sending in the background?", parent=self.window)
        box.setObjectName("keepSendingQuestion")
        box.setInformativeText(
            f"{live} journey{' is' if live == 1 else 's are'} live. Trellis can keep running "
            "them from the tray while the window is closed, so emails go out on time. "
            "Quitting stops sending until you open Trellis again.\n\n"
            "Trellis remembers your answer (Settings ▸ General changes it).")
        keep = box.addButton("Keep sending", QMessageBox.ButtonRole.AcceptRole)
        quit_ = box.addButton("Quit", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.exec()
        return {keep: BACKGROUND, quit_: QUIT}.get(box.clickedButton())

    def _ask_stop(self, live: int) -> str:
        box = QMessageBox(QMessageBox.Icon.Warning, "Trellis", "Stop sending?",
                          parent=self.window)
        box.setObjectName("stopSendingQuestion")
        box.setInformativeText(
            f"{live} journey{' is' if live == 1 else 's are'} live. Closing Trellis stops "
            "them until you open it again: delays, reminders and emails wait. Minimize "
            "keeps them running.")
        quit_ = box.addButton("Quit and stop sending", QMessageBox.ButtonRole.DestructiveRole)
        minimize = box.addButton("Minimize", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(minimize)
        box.exec()
        return {quit_: QUIT_, minimize: MINIMIZE}.get(box.clickedButton(), STAY)

    # ---- the icon ----------------------------------------------------------------------------

    def show_window(self) -> None:
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()

    def _activated(self, reason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_window()

    def _status_changed(self, status) -> None:
        text, _tone = describe(status, datetime.now(timezone.utc))
        self.state_action.setText(text)
        self.tray.setToolTip(f"Trellis — {text}")

    def _notify(self, title: str, text: str) -> None:
        if self.available() and self.tray.isVisible():
            self.tray.showMessage(title, text, icon("trellis", "accent"), 15_000)
        else:
            self.window.statusBar().showMessage(f"{title}: {text}", 15_000)

    def general_card(self, autostart):
        from widgets.settings_general import GeneralSettingsCard

        return GeneralSettingsCard(autostart.enabled, autostart.set_enabled, self.close_choice,
                                   self.set_close_choice, tray_available=self.available())

    def hide(self) -> None:
        self.tray.hide()
