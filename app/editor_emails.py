"""The open journey's emails in the editor: the header's email menu, the email editor
windows open on them, and "New email".

Contract:
- `EditorEmails(page)` takes the `EditorPage` (its `document`, `database`, `host`,
  `header`, `status_message`); the page calls `show_menu()` when a journey opens and
  whenever its emails change: the header lists them, each subject in words («first
  name», never template code or a block email's chip).
- `edit(key)` opens the journey's email `key` in the email editor
  (`app.email_session.edit_journey_email`), or brings up the one already open on it; its
  edits go into the journey as undoable edits (`JourneyDocument.set_template`, one undo
  step per field typed in). `step_double_clicked(node_id)` does it for a step that
  sends an email the journey has. The preview's Profile button emits the page's
  `contact_profile_requested(contact_id)` (the window opens the profile).
- `new()` adds "Email N" (an undoable edit too), opens it and says so in the status bar.
- `flush()` hands the keystrokes still in an editor's typing pause to the journey (the
  page does it before saving, closing and publishing); `close_all()` closes every editor
  (the journey is closed); `open_dialogs()` is the editors still open.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.email_session import edit_journey_email
from engine.journey.data import EmailTemplate
from engine.templating.display import in_words

NEW_EMAIL_BODY = "Hi {{ contact.first_name | default('there') }},\n\n"


class EditorEmails(QObject):
    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self._dialogs: list = []

    def show_menu(self) -> None:
        document = self.page.document
        templates = document.journey.templates.values() if document else ()
        self.page.header.set_emails([(t.key, t.name, in_words(t.subject) or "(no subject yet)")
                                     for t in templates])

    def step_double_clicked(self, node_id: str) -> None:
        journey = self.page.document.journey
        email = journey.spec(node_id).email
        if email is not None:
            key = email.template(journey.config(node_id))
            if key in journey.templates:
                self.edit(key)

    def edit(self, key: str):
        """Open the email `key` of the journey in the email editor (edits go into it)."""
        page = self.page
        for dialog in self.open_dialogs():
            if dialog.session.journey is page.document and dialog.session.key == key:
                dialog.raise_()
                dialog.activateWindow()
                return dialog
        dialog = edit_journey_email(page, page.database, page.document, key,
                                    page.host.public_url,
                                    open_profile=page.contact_profile_requested.emit)
        self._dialogs.append(dialog)
        return dialog

    def flush(self) -> None:
        """Keystrokes still in an email editor's typing pause go into the journey now."""
        for dialog in self.open_dialogs():
            dialog.editor.flush()

    def close_all(self) -> None:
        for dialog in self.open_dialogs():
            dialog.close()  # hands its last keystrokes to the journey, then goes

    def open_dialogs(self) -> list:
        alive = []
        for dialog in self._dialogs:
            try:
                if dialog.isVisible():
                    alive.append(dialog)
            except RuntimeError:  # deleted when it was closed
                pass
        self._dialogs = alive
        return list(alive)

    def new(self) -> None:
        document = self.page.document
        journey = document.journey
        number = len(journey.templates) + 1
        while f"email-{number}" in journey.templates:
            number += 1
        template = EmailTemplate(key=f"email-{number}", name=f"Email {number}", subject="",
                                 body=NEW_EMAIL_BODY)
        reason = document.set_template(template)
        if reason:
            self.page.status_message.emit(f"No email added: {reason}")
            return
        self.edit(template.key)
        self.page.status_message.emit(
            f"“{template.name}” added: choose it in a Send email step")
