"""The main window's parts for sending and testing: Settings ▸ Sending, the status bar's
"Set up sending…", Sending ▸ Email server settings… / Send a test event…, and the
Contacts page's right-click menu (test contact on/off, test event).

Contract: `SendingWindowParts` is mixed into `app.main_window.MainWindow`, which calls
`_build_sending_section()` once its Settings and Contacts pages exist; it uses the
window's `_db`, `engine_host`, `settings_page`, `contacts_page`, `show_page`,
`editor_page` / `_editor_page` and status bar.
- Settings ▸ Sending rules (`rules_card`, driven by `app.rules_settings.RulesSettings`):
  the frequency cap, quiet hours, time zone, consent and lateness rules of all journeys;
  also under Sending ▸ Sending rules….
- `show_settings(section)` opens the Settings page at a section ("sending"…).
- `sending_settings` is the Sending section's driver (`app.sending_settings`), made when
  the section is first shown; saving restarts delivery on the new server.
- `send_test_event(contact_id=None)` opens the test-event dialog (`app.trial_tools`).
- `contact_menu(contact_id)` is the Contacts page's menu for one contact.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QPushButton

from widgets.icons import icon
from widgets.table_model import ROW_ROLE


class SendingWindowParts:
    def _build_sending_section(self) -> None:
        from widgets.settings_sending import SendingSection

        self._sending = None  # app.sending_settings.SendingSettings, made when first shown
        self.sending_section = SendingSection()
        self.settings_page.add_section("sending", "Sending", self.sending_section,
                                       before="database")
        self.sending_section.refresh_requested.connect(lambda: self.sending_settings.load())
        self._sending_link = QPushButton("Set up sending…", objectName="statusLink")
        self._sending_link.setFlat(True)
        self._sending_link.setCursor(Qt.CursorShape.PointingHandCursor)
        self._sending_link.setToolTip("Settings ▸ Sending: the email server and the sender")
        self._sending_link.clicked.connect(lambda: self.show_settings("sending"))
        # on the right, before the database: a long engine sentence never hides it
        self.statusBar().addPermanentWidget(self._sending_link)
        self.engine_host.status_changed.connect(self._update_sending_link)
        self._update_sending_link(self.engine_host.status())
        menu = next(a.menu() for a in self.menuBar().actions() if a.text() == "&Sending")
        menu.addSeparator()
        menu.addAction(icon("settings"), "Email server &settings…",
                       lambda: self.show_settings("sending"))
        menu.addAction(icon("settings"), "Sending &rules…", lambda: self.show_settings("rules"))
        menu.addAction(icon("bolt"), "Send a test &event…", self.send_test_event)
        self._build_rules_section()

        # Contacts: right-click a contact to mark it as a test contact or send it an event
        table = self.contacts_page.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._contact_menu)

    def _build_rules_section(self) -> None:
        """Settings ▸ Sending rules, right after Sending: the guards of every journey."""
        from app.rules_settings import RulesSettings
        from widgets.settings_rules import SendingRulesCard

        self.rules_card = SendingRulesCard()
        self.rules_settings = RulesSettings(self._db, self.rules_card)
        self.settings_page.add_section("rules", "Sending rules", self.rules_card,
                                       before="database")

    def send_test_event(self, contact_id: int | None = None):
        """Sending ▸ Send a test event…: a real event through the intake path."""
        from app.trial_tools import TrialTools

        if getattr(self, "_trial", None) is None:
            self._trial = TrialTools(self, self._db, self.engine_host)
        on_done = self.editor_page.refresh if self._editor_page is not None else None
        return self._trial.send_test_event(contact_id, on_done=on_done)

    def contact_menu(self, contact_id: int) -> QMenu:
        """The Contacts page's menu for one contact (test contact on/off, test event)."""
        from engine.contacts.test_contacts import mark_test
        from engine.db.models import Contact

        with self._db.session() as session:
            contact = session.get(Contact, contact_id)
            email, is_test = contact.email, contact.is_test

        def toggle() -> None:
            with self._db.session() as session:
                mark_test(session, [email], on=not is_test)
            self.statusBar().showMessage(
                f"{email} is {'no longer ' if is_test else ''}a test contact", 6000)

        menu = QMenu(self)
        menu.addAction(icon("hand"), "No longer a test contact" if is_test
                       else "Mark as a test contact", toggle)
        menu.addAction(icon("bolt"), "Send a test event…",
                       lambda: self.send_test_event(contact_id))
        return menu

    def _contact_menu(self, point) -> None:
        index = self.contacts_page.table.indexAt(point)
        if index.isValid():
            menu = self.contact_menu(index.data(ROW_ROLE).id)
            menu.exec(self.contacts_page.table.viewport().mapToGlobal(point))

    @property
    def sending_settings(self):
        """The Sending section's driver (`app.sending_settings.SendingSettings`)."""
        if self._sending is None:
            from app.sending_settings import SendingSettings

            self._sending = SendingSettings(self.sending_section, self._db,
                                            self.engine_host.public_url, self)
            self._sending.saved.connect(self.engine_host.restart_delivery)
        return self._sending

    def show_settings(self, section: str = "general") -> None:
        """The Settings page, at `section` ("general", "sending", "database"…)."""
        self.show_page("settings")
        self.settings_page.show_section(section)

    def _update_sending_link(self, status) -> None:
        from app.engine_host import NO_SERVER_NOTE

        self._sending_link.setVisible(NO_SERVER_NOTE in status.notes)

