"""Trying journeys out from the app: "Enter a test contact now" and "Send a test event".

Contract:
- `TrialTools(parent, database, host)`; `host` is the app's `EngineHost`.
- `enter_test_contact(journey_id, on_done=None)` opens a `TestContactDialog` for a live
  journey (test contacts first, then the newest contacts). Entering runs in a `Task`:
  optionally marks the contact as a test contact (`contact.is_test`), enrolls it through
  the engine's manual-enrol path (`Engine.enroll`, re-entry rule waived for tests, never
  twice at once), then lets the engine advance: a running host is woken; when the engine
  does not run in this app (stopped host) one tick runs in the task; a read-only host
  (another Trellis runs the database) leaves it to that one. The dialog then says which
  step the contact is at; `on_done()` runs on the GUI thread (the editor re-reads its
  live counts).
- `send_test_event(contact_id=None, on_done=None, event_name=None)` opens a `TestEventDialog` (event names
  the database has seen, contacts as above). Sending checks the event with
  `engine.intake.events.parse_event` and records it with `record_events` (source "app-test"),
  the same intake path as the CLI and the HTTP server, then wakes the engine as above.
`event_names(session)` and `contact_rows(session)` are the dialogs' choices.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from PySide6.QtCore import QObject
from sqlalchemy import select

from app import overview
from app.background import Task
from app.engine_host import LOCKED, RUNNING
from engine.contacts.test_contacts import mark_test, test_contacts
from engine.db.database import Database
from engine.db.models import Contact, Enrollment, EnrollmentStatus, Event, JourneyVersion
from engine.errors import InputError
from engine.intake.events import parse_event, record_events
from engine.journey.data import JourneyData
from engine.journey.drafts import journey_info, live_document
from engine.journey.step_words import step_title
from engine.runtime.release import release_state
from widgets.trial_contact_dialog import TestContactDialog
from widgets.trial_event_dialog import TestEventDialog

CONTACTS_SHOWN = 200
SOURCE = "app-test"


def event_names(session) -> list[str]:
    return list(session.scalars(select(Event.name).distinct().order_by(Event.name)))


def contact_rows(session, search: str = "") -> list[tuple[str, int, bool]]:
    """(label, id, is_test): test contacts first, then the newest contacts; with `search`,
    those whose email or name contains it."""
    words = search.lower().split()
    rows = [(f"{name} <{email}>" if name else email, cid, True)
            for cid, email, name in test_contacts(session)
            if all(w in f"{name} {email}".lower() for w in words)]
    seen = {cid for _label, cid, _test in rows}
    rows += [(f"{c.name} <{c.email}>" if c.name else c.email, c.id, False)
             for c in overview.fetch_contacts(session, search.strip(), limit=CONTACTS_SHOWN)
             if c.id not in seen]
    return rows


def _search_rows(database: Database):
    def search(text: str) -> list[tuple[str, int, bool]]:
        with database.session() as session:
            return contact_rows(session, text)
    return search


class TrialTools(QObject):
    def __init__(self, parent, database: Database, host):
        super().__init__(parent)
        self._parent, self.database, self.host = parent, database, host
        self._tasks: list[Task] = []
        self.dialog = None  # the dialog open now (tests drive it)

    # ---- the engine moves on -----------------------------------------------------------------

    def _advance(self) -> str:
        """Worker thread: let the engine take the new work. Words for what happened."""
        state = self.host.state
        if state == RUNNING:
            self.host.wake()
            return "the engine is moving it now"
        if state == LOCKED:
            return "the other Trellis that runs this database moves it on"
        self.host.engine.tick()  # the engine does not run in this window: one step now
        return "the engine ran its first steps"

    def _start(self, work, succeeded, failed, finished) -> None:
        task = Task(work, self, name="trellis-trial")
        self._tasks.append(task)
        task.succeeded.connect(succeeded)
        task.failed.connect(failed)
        task.finished.connect(finished)
        task.finished.connect(lambda: self._tasks.remove(task))
        task.start()

    def busy(self) -> bool:
        return bool(self._tasks)

    # ---- enter a test contact -----------------------------------------------------------------

    def enter_test_contact(self, journey_id: int, on_done: Callable[[], None] | None = None):
        with self.database.session() as session:
            info = journey_info(session, journey_id)
            contacts = contact_rows(session)
        dialog = TestContactDialog(info.name, contacts, self._parent,
                                   search=_search_rows(self.database))
        dialog.enter_requested.connect(
            lambda contact_id, mark: self._enter(dialog, journey_id, contact_id, mark, on_done))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _enter(self, dialog, journey_id: int, contact_id: int, mark: bool, on_done) -> None:
        def work(_progress, _cancelled):
            with self.database.session() as session:
                email = session.get(Contact, contact_id).email
                mark_test(session, [email], on=mark)
            entered = self.host.engine.enroll(str(journey_id), [email], ignore_re_entry=True)
            if not entered:
                with self.database.session() as session:
                    guard = release_state(session, journey_id).guard_words
                    active = session.scalar(select(Enrollment.id).where(
                        Enrollment.journey_id == journey_id, Enrollment.contact_id == contact_id,
                        Enrollment.status == EnrollmentStatus.ACTIVE).limit(1))
                # not on their way through it: the guard on entry kept them out
                return email, None, (guard if active is None and guard else "")
            moved = self._advance()
            with self.database.session() as session:
                node_id = session.scalar(
                    select(Enrollment.node_id).where(
                        Enrollment.journey_id == journey_id, Enrollment.contact_id == contact_id)
                    .order_by(Enrollment.id.desc()).limit(1))
                status = session.scalar(
                    select(Enrollment.status).where(
                        Enrollment.journey_id == journey_id, Enrollment.contact_id == contact_id)
                    .order_by(Enrollment.id.desc()).limit(1))
                version_id = session.scalar(
                    select(Enrollment.version_id).where(
                        Enrollment.journey_id == journey_id, Enrollment.contact_id == contact_id)
                    .order_by(Enrollment.id.desc()).limit(1))
                # the version they entered: a canary's steps may differ from the live one's
                version = session.get(JourneyVersion, version_id)
                document = (JourneyData.model_validate(version.document) if version
                            else live_document(session, journey_id))
            node = next((n for n in document.nodes if n.id == node_id), None) if document else None
            where = (f"now at “{step_title(node)}”" if status == EnrollmentStatus.ACTIVE
                     else f"through the journey ({status})")
            return email, where, moved

        def succeeded(result):
            email, where, moved = result
            if where is None and moved:
                dialog.show_result(f"{email} did not enter: for now only contacts who match "
                                   f"{moved} enter this journey.", "warning")
                return
            if where is None:
                dialog.show_result(f"{email} is already on their way through this journey; "
                                   "they can enter again once they leave it.", "warning")
                return
            dialog.show_result(f"{email} entered: {moved}, {where}.", "success")
            if on_done:
                on_done()

        dialog.set_busy(True)
        self._start(work, succeeded, lambda reason: dialog.show_result(
            f"Not entered: {reason}", "danger"), lambda: dialog.set_busy(False))

    # ---- send a test event ----------------------------------------------------------------------

    def send_test_event(self, contact_id: int | None = None,
                        on_done: Callable[[], None] | None = None,
                        event_name: str | None = None):
        with self.database.session() as session:
            names = event_names(session)
            contacts = [(label, cid) for label, cid, _test in contact_rows(session)]
        dialog = TestEventDialog(names, contacts, self._parent)
        if contact_id is not None:
            dialog.choose_contact(contact_id)
        if event_name:  # the journey's own trigger, from its editor
            dialog.name.setCurrentText(event_name)
        dialog.send_requested.connect(
            lambda name, cid, properties: self._send_event(dialog, name, cid, properties, on_done))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _send_event(self, dialog, name: str, contact_id: int, properties: dict, on_done) -> None:
        with self.database.session() as session:
            email = session.get(Contact, contact_id).email
        try:  # the intake's own checks, before any work starts
            item = parse_event({"contact": email, "name": name, "properties": properties},
                               "the test event")
        except InputError as error:
            dialog.show_result(str(error), "danger")
            return

        def work(_progress, _cancelled):
            with self.database.session() as session:
                record_events(session, [item], now=datetime.now(timezone.utc), source=SOURCE)
            return self._advance()

        def succeeded(moved):
            dialog.show_result(f"Recorded “{name}” for {email}: {moved}.", "success")
            if on_done:
                on_done()

        dialog.set_busy(True)
        self._start(work, succeeded, lambda reason: dialog.show_result(
            f"Not recorded: {reason}", "danger"), lambda: dialog.set_busy(False))
