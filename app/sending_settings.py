"""Settings ▸ Sending, driven: reads and saves the form, tests the server, sends a test email.

Contract:
- `SendingSettings(section, database, public_url)` owns a `widgets.settings_sending.
  SendingSection`. `load()` (the window calls it on the section's `refresh_requested`:
  this module is made on first use, not at start-up) fills the form
  from the database, flags the example sender and postal address, and fills the test
  email's choices: the library's templates and every journey's emails, the test contacts
  first, then the newest contacts.
- Save checks the whole form (`engine.delivery.sending_setup.save_sending_form`): bad
  fields get their sentence, nothing is saved; on success `saved` is emitted.
- Test connection checks the server fields as typed (saved or not) and runs
  `check_connection` in a `Task` (off the GUI thread) with the typed password, else the
  stored one; the verdict is shown in plain words.
- Send test email renders the chosen email for the chosen contact and sends it with the
  saved settings to each address typed (`trial_send.send_test`, in a Task): subject
  "[Test] …", not tracked, not counted.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from sqlalchemy import select

from app import overview
from app.background import Task
from engine.clock import SystemClock
from engine.contacts.test_contacts import test_contacts
from engine.db.database import Database
from engine.db.models import Contact, JourneyRow, Template
from engine.templating.display import in_words
from engine.delivery.connection_check import ConnectionCheck, check_connection
from engine.delivery.password import smtp_password
from engine.delivery.sending_setup import (
    SendingFormError,
    check_sending_form,
    example_flags,
    load_sending_form,
    save_sending_form,
)
from engine.delivery.smtp_settings import load_smtp_settings
from engine.delivery.trial_send import parse_recipients, send_test
from engine.journey.data import EmailTemplate, JourneyData
from engine.errors import InputError
from engine.settings import load_settings
from engine.words import plural
from widgets.settings_sending import SendingSection

CONTACTS_SHOWN = 30
SERVER_FIELDS = ("host", "port", "security", "username", "password")


def email_choices(session) -> list[tuple[str, str]]:
    """(label, key) for every email that can be sent as a test: "library:KEY" for the
    template library, "journey:ID:KEY" for a journey's own emails."""
    choices = [(f"{row.name} — {in_words(row.subject)}", f"library:{row.key}")
               for row in session.scalars(select(Template).order_by(Template.name))]
    for row in session.scalars(select(JourneyRow).order_by(JourneyRow.name)):
        for template in row.draft.get("templates", []):
            choices.append((f"{row.name}: {template.get('name', template['key'])}",
                            f"journey:{row.id}:{template['key']}"))
    return choices


def find_email(session, choice: str) -> EmailTemplate:
    kind, _, rest = choice.partition(":")
    if kind == "library":
        row = session.scalar(select(Template).where(Template.key == rest))
        if row is None:
            raise LookupError(f"there is no template {rest!r} in the library")
        return EmailTemplate(key=row.key, name=row.name, subject=row.subject,
                             preheader=row.preheader, from_name=row.from_name, body=row.body,
                             format=row.body_format, layout=row.layout, text=row.text_override)
    journey_id, _, key = rest.partition(":")
    row = session.get(JourneyRow, int(journey_id))
    document = JourneyData.model_validate(row.draft) if row else None
    found = next((t for t in document.templates if t.key == key), None) if document else None
    if found is None:
        raise LookupError(f"the email {key!r} is no longer in that journey")
    return found


def contact_choices(session) -> list[tuple[str, int]]:
    """Test contacts first (marked), then the newest contacts."""
    tests = [(f"{f'{name} <{email}>' if name else email} — test contact", cid)
             for cid, email, name in test_contacts(session)]
    seen = {cid for _label, cid in tests}
    newest = [(f"{c.name} <{c.email}>" if c.name else c.email, c.id)
              for c in overview.fetch_contacts(session, "", limit=CONTACTS_SHOWN)
              if c.id not in seen]
    return tests + newest


def send_tests(database: Database, smtp, template: EmailTemplate, contact_email: str,
               recipients: list[str], public_url: str) -> list:
    """Send one test per recipient (each its own message); the `TestSend`s."""
    password = smtp_password(smtp)
    return [send_test(database, SystemClock(), smtp, template, contact_email, to=to,
                      password=password, public_url=public_url) for to in recipients]


class SendingSettings(QObject):
    saved = Signal()

    def __init__(self, section: SendingSection, database: Database, public_url: str,
                 parent: QObject | None = None):
        super().__init__(parent or section)
        self.section, self.database, self.public_url = section, database, public_url
        self._tasks: list[Task] = []
        section.save_requested.connect(self.save)
        section.test_connection_requested.connect(self.test_connection)
        section.send_test_requested.connect(self.send_test)

    def load(self) -> None:
        with self.database.session() as session:
            form = load_sending_form(session)
            smtp = load_smtp_settings(session)
            app = load_settings(session)
            templates = email_choices(session)
            contacts = contact_choices(session)
        stored = smtp is not None and smtp.username is not None and smtp_password(smtp) is not None
        self.section.set_form(form, stored)
        self.section.set_flags(self._flags(app))
        self.section.set_test_choices(templates, contacts, app.sender_email)
        if smtp is None:
            self.section.set_status("No email server is set up yet: emails wait in the "
                                    "outbox until one is.", "warning")
        else:
            self.section.set_status("")

    @staticmethod
    def _flags(app) -> dict[str, str]:
        flags = example_flags(app)
        if not app.postal_address.strip():
            flags["postal_address"] = ("add your postal address: marketing email cannot be "
                                       "published without it")
        return flags

    def save(self, form) -> None:
        try:
            with self.database.session() as session:
                save_sending_form(session, form)
        except SendingFormError as error:
            self.section.set_errors(error.errors)
            self.section.set_status(
                f"Not saved: {plural(len(error.errors), 'field')} "
                "to fix.", "danger")
            return
        self.load()
        self.section.set_status("Saved.", "success")
        self.saved.emit()

    def test_connection(self, form) -> None:
        try:
            smtp, _changes = check_sending_form(form)
        except SendingFormError as error:
            server = {f: m for f, m in error.errors.items() if f in SERVER_FIELDS}
            if server:
                self.section.set_errors(server)
                return
            # only sender fields are wrong: the server itself can still be tried
            smtp = check_sending_form(form.__class__(
                **{**form.__dict__, "sender_name": "x", "sender_email": "x@example.com",
                   "reply_to": "", "postal_address": ""}))[0]
        if smtp is None:
            self.section.set_errors({"host": "Server: enter the server to test"})
            return
        self.section.set_errors({})
        password = form.password or smtp_password(smtp)
        self.section.set_testing(True)
        task = self._task(lambda _p, _c: check_connection(smtp, password), "trellis-smtp-test")
        task.succeeded.connect(self.section.set_connection_result)
        task.failed.connect(lambda reason: self.section.set_connection_result(
            ConnectionCheck(False, "The test failed.", reason)))
        task.finished.connect(lambda: self.section.set_testing(False))
        task.start()

    def send_test(self, choice: str, contact_id: int, to: str) -> None:
        try:
            recipients = parse_recipients(to)
        except InputError as error:
            self.section.set_test_result(str(error), "danger")
            return
        with self.database.session() as session:
            smtp = load_smtp_settings(session)
            contact = session.get(Contact, contact_id)
            recipients = recipients or [load_settings(session).sender_email]
            try:
                template = find_email(session, choice)
            except LookupError as error:
                self.section.set_test_result(str(error), "danger")
                return
        if smtp is None:
            self.section.set_test_result("Save an email server first.", "danger")
            return
        if contact is None:
            self.section.set_test_result("That contact is gone; choose another.", "danger")
            return
        email = contact.email
        self.section.set_sending_test(True)
        task = self._task(lambda _p, _c: send_tests(self.database, smtp, template, email,
                                                    recipients, self.public_url),
                          "trellis-send-test")
        task.succeeded.connect(lambda sent: self.section.set_test_result(
            f"Sent “{sent[0].subject}”, made for {email}, to "
            f"{', '.join(s.to for s in sent)}.",
            "success"))
        task.failed.connect(lambda reason: self.section.set_test_result(
            f"Not sent: {reason}", "danger"))
        task.finished.connect(lambda: self.section.set_sending_test(False))
        task.start()

    def _task(self, work, name: str) -> Task:
        task = Task(work, self, name=name)
        self._tasks.append(task)
        task.finished.connect(lambda: self._tasks.remove(task))
        return task
