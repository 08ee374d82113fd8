"""The contacts workspace's controller: the page's reads, and everything it asks to change.

Contract:
- `ContactsWorkspace(db, window, engine_host=None, clock=None)` builds `page` (a
  `widgets.contacts_page.ContactsPage` over `engine.contacts.directory`) and answers its
  requests: bulk add to list / remove / unsubscribe / delete (delete and unsubscribe ask
  first), Add contact, Export (the current filter, to CSV), Import (the wizard).
- `open_profile(contact_id)` shows the one profile window (`profile`, created on first use)
  with that contact; field edits go through `profile_undo` (a QUndoStack, cleared when
  another contact is shown) as `app.undo_commands.SetValueCommand`s (written before the
  push), so each edit undoes. Profile actions: add to list, enter a journey now,
  unsubscribe, test contact on/off, export data, erase (asks first). After any write the
  page and the profile are read again.
- `show_waiting(journey_id, node_id, label)` shows the contacts waiting at a step.
- Questions to the user go through `ask_text`, `ask_item`, `confirm` and `ask_save_path`
  (Qt dialogs), one place each.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QDialog, QFileDialog, QInputDialog, QMessageBox, QTextBrowser, QVBoxLayout,
)

from app.undo_commands import SetValueCommand
from engine.clock import SystemClock
from engine.contacts import bulk, directory
from engine.contacts.directory import ContactQuery
from engine.contacts.lists import add_to_list
from engine.contacts.profile import load_profile, message_as_sent
from engine.errors import InputError, TrellisError
from engine.words import plural
from widgets.contact_profile import ContactProfileWindow
from widgets.contacts_page import ContactsPage


class ContactsWorkspace:
    def __init__(self, db, window, engine_host=None, clock=None):
        self._db, self._window, self._host = db, window, engine_host
        self._clock = clock or SystemClock()
        self.page = ContactsPage(
            count=lambda query: self._read(directory.count_contacts, query),
            fetch=lambda query, offset, limit: self._read(directory.fetch_page, query,
                                                          offset, limit),
            sources=lambda: self._read(directory.sidebar_sources),
        )
        self.page.profile_requested.connect(self.open_profile)
        self.page.bulk_requested.connect(self._bulk_requested)
        self.page.add_requested.connect(self._add_requested)
        self.page.export_requested.connect(self._export_requested)
        self.page.import_requested.connect(self.open_import)
        self.profile: ContactProfileWindow | None = None
        self.profile_undo = QUndoStack()
        self.wizard = None

    def _read(self, query, *args):
        with self._db.session() as session:
            return query(session, *args)

    def _message(self, text: str) -> None:
        self._window.statusBar().showMessage(text, 8000)

    # ---- questions (one place each, so the sequences are easy to follow) --------------

    def ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self._window, title, label)
        return text.strip() if ok and text.strip() else None

    def ask_item(self, title: str, label: str, items: list[str]) -> str | None:
        item, ok = QInputDialog.getItem(self._window, title, label, items, 0, False)
        return item if ok else None

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self._window, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def ask_save_path(self, title: str, name: str, kind: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self._window, title, name, kind)
        return path or None

    # ---- the page ----------------------------------------------------------------------

    def refresh(self) -> None:
        self.page.refresh()
        if self.profile is not None and self.profile.profile is not None:
            self._reload_profile()

    def show_waiting(self, journey_id: int, node_id: str, label: str) -> None:
        self.page.show_query(ContactQuery(waiting_at=(journey_id, node_id)), label)

    def _bulk_requested(self, action: str, ids: list[int]) -> None:
        count = plural(len(ids), "contact")
        if action == "add_to_list":
            name = self.ask_text("Add to list", f"Add {count} to the list named:")
            if name:
                self.add_to_list(ids, name)
            return
        if action == "delete" and not self.confirm(
                "Delete contacts", f"Delete {count} with their events and journeys? "
                "This cannot be undone."):
            return
        if action == "unsubscribe" and not self.confirm(
                "Unsubscribe", f"Unsubscribe {count}? They will get no more marketing email."):
            return
        self.run_bulk(action, ids)

    def run_bulk(self, action: str, ids: list[int]) -> int:
        now = self._clock.now()
        with self._db.session() as session:
            if action == "unsubscribe":
                changed = bulk.unsubscribe(session, ids, now=now)
            elif action == "delete":
                changed = bulk.delete_contacts(session, ids)
            elif action == "remove_from_list":
                changed = bulk.remove_from_list(session, self.page.current_list_id, ids)
            else:
                raise ValueError(f"unknown bulk action {action!r}")
        self._message(f"{action.replace('_', ' ').capitalize()}: {changed:,} contacts changed")
        self.refresh()
        return changed

    def add_to_list(self, ids: list[int], name: str) -> int:
        try:
            with self._db.session() as session:
                added = add_to_list(session, name, ids, now=self._clock.now(), source="app")
        except InputError as error:
            QMessageBox.warning(self._window, "Add to list", str(error))
            return 0
        self._message(f"{added:,} contacts added to the list “{name}”")
        self.refresh()
        return added

    def _add_requested(self) -> None:
        email = self.ask_text("Add contact", "Email address:")
        if email:
            self.add_contact(email)

    def add_contact(self, email: str) -> int | None:
        from engine.intake.events import record_contact_upsert

        try:
            with self._db.session() as session:
                outcome = record_contact_upsert(session, {"email": email},
                                                now=self._clock.now(), source="app")
        except InputError as error:
            QMessageBox.warning(self._window, "Add contact", str(error))
            return None
        self.refresh()
        return outcome.contact_id

    def _export_requested(self, query: ContactQuery) -> None:
        path = self.ask_save_path("Export contacts", "contacts.csv", "CSV files (*.csv)")
        if path:
            self.export(query, path)

    def export(self, query: ContactQuery, path: str) -> int:
        from engine.contacts.csv_export import export_contacts_csv

        count = export_contacts_csv(self._db, path, where=directory.condition(query))
        self._message(f"{count:,} contacts exported to {path}")
        return count

    def open_import(self):
        from app.import_wizard_flow import ImportWizardFlow

        self.wizard = ImportWizardFlow(self._db, self._window, self._clock,
                                       on_done=self.refresh)
        self.wizard.dialog.show()
        return self.wizard

    # ---- the profile -------------------------------------------------------------------

    def open_profile(self, contact_id: int) -> ContactProfileWindow:
        if self.profile is None:
            self.profile = ContactProfileWindow(self._window)
            self.profile.set_undo_actions(self.profile_undo.createUndoAction(self.profile),
                                          self.profile_undo.createRedoAction(self.profile))
            self.profile.field_edit_requested.connect(self._field_edit_requested)
            self.profile.action_requested.connect(self._profile_action)
            self.profile.message_requested.connect(self.show_message)
        if self.profile.profile is None or self.profile.profile.id != contact_id:
            self.profile_undo.clear()  # an edit of another contact is not undone from here
        self._contact_id = contact_id
        self._reload_profile()
        self.profile.show()
        self.profile.raise_()
        return self.profile

    def _reload_profile(self) -> None:
        profile = self._read(load_profile, self._contact_id)
        if profile is None:  # deleted meanwhile
            self.profile.close()
            self.profile.profile = None
            return
        self.profile.show_profile(profile)

    def _field_edit_requested(self, name: str, value) -> None:
        try:
            old = self.write_field(self._contact_id, name, value)
        except InputError as error:
            QMessageBox.warning(self.profile, "Edit contact", str(error))
            self._reload_profile()
            return
        contact_id = self._contact_id

        def write(field_value) -> None:
            self.write_field(contact_id, name, field_value)

        # written and checked before the push: a check that fails leaves no command
        self.profile_undo.push(SetValueCommand(
            f"Edit {name.removeprefix('attributes.')}", ("contact", contact_id, name), write,
            old, value, written=True))

    def write_field(self, contact_id: int, name: str, value):
        with self._db.session() as session:
            previous = bulk.set_field(session, contact_id, name, value, now=self._clock.now())
        self.refresh()
        return previous

    def _profile_action(self, action: str) -> None:
        profile = self.profile.profile
        if action == "add_to_list":
            name = self.ask_text("Add to list", "List name:")
            if name:
                self.add_to_list([profile.id], name)
        elif action == "unsubscribe":
            self.run_bulk("unsubscribe", [profile.id])
        elif action == "toggle_test":
            from engine.contacts.test_contacts import mark_test

            with self._db.session() as session:
                mark_test(session, [profile.email], on=not profile.is_test)
            self.refresh()
        elif action == "enter_journey":
            self._enter_journey(profile)
        elif action == "export_data":
            path = self.ask_save_path("Export data", "contact-data.json", "JSON (*.json)")
            if path:
                from engine.contacts.data_export import write_person_data

                write_person_data(self._db, profile.email, path)
                self._message(f"Everything held on {profile.email} written to {path}")
        elif action == "erase" and self.confirm(
                "Erase contact", f"Erase everything personal about {profile.email}? Their "
                "address is kept only as a hash so no import subscribes them again. "
                "This cannot be undone."):
            self.erase(profile.email)

    def erase(self, email: str) -> None:
        from engine.contacts.privacy import erase_contact

        with self._db.session() as session:
            report = erase_contact(session, email, now=self._clock.now())
        self.profile_undo.clear()  # the old values must not come back through undo
        self._message(report.summary())
        self.refresh()

    def _enter_journey(self, profile) -> None:
        from engine.db.models import JourneyRow, JourneyStatus
        from sqlalchemy import select

        with self._db.session() as session:
            live = list(session.execute(select(JourneyRow.name).where(
                JourneyRow.status == JourneyStatus.LIVE).order_by(JourneyRow.name)).scalars())
        if not live or self._host is None:
            QMessageBox.information(self.profile, "Enter a journey",
                                    "No journey is live: publish one first.")
            return
        name = self.ask_item("Enter a journey now", f"Put {profile.email} into:", live)
        if name:
            self.enter_journey(profile.email, name)

    def enter_journey(self, email: str, journey: str) -> bool:
        try:
            entered = self._host.engine.enroll(journey, [email])
        except (TrellisError, LookupError) as error:
            QMessageBox.warning(self.profile, "Enter a journey", str(error))
            return False
        self._host.wake()
        self._message(f"{email} entered {journey}" if entered
                      else f"{email} did not enter {journey}: its re-entry rule says no")
        self.refresh()
        return bool(entered)

    def show_message(self, message_id: int) -> QDialog | None:
        found = self._read(message_as_sent, message_id)
        if found is None:
            return None
        subject, html, text = found
        dialog = QDialog(self.profile)
        dialog.setWindowTitle(subject or "(no subject)")
        view = QTextBrowser()
        view.setOpenLinks(False)  # looking must not click a tracked link
        view.setHtml(html) if html else view.setPlainText(text or "")
        QVBoxLayout(dialog).addWidget(view)
        dialog.resize(640, 560)
        dialog.show()
        self.message_dialog = dialog
        return dialog
