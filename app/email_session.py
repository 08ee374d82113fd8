"""Editing one email: checks and preview while the marketer types, saving where the template
lives, and "send test to me".

Contract:
- `EmailSession(dialog, database, store, public_url, journey=None, open_profile=None)`
  drives an `EmailEditorDialog`. `store(template) -> str` keeps a saved template where it belongs
  (the `template` table) and returns "" or the reason it could not.
- With `journey` (an `app.journey_document.JourneyDocument` that holds the email), there is
  no Save: every valid edit goes into the journey at once through
  `journey.set_template(template, merge_key=field)`, so it is undoable there and typing in
  one field is one undo step; the journey's own dirty state says what is unsaved. The
  dialog follows the journey: an undo or redo there shows up in the form, and the dialog
  closes when the email leaves the journey (the undo of "Add email").
- A block email (format "blocks") opens in the block editor
  (`widgets.block_editor.dialog.BlockEditorDialog`), with Undo and Redo on the stack its
  edits go to; the block editor's `last_merge_key` decides which edits merge into one
  undo step. Its preview is rendered at once on each edit (a block page compiles in about
  a millisecond); its checks run in the background as below. `convert(format)` makes it
  a code email as one undoable edit and opens the code editor in its place.
- A saved block template (Templates page) is edited live through
  `app.saved_template_document.SavedTemplateDocument`: each edit stored as made, with
  its own undo; a saved code template keeps the Save button.
- "Personalise" opens the merge-field picker (`open_picker`) with each field's value for
  the preview's contact; `insert_field(field, fallback)` puts a chip (block email; the
  cart, recommendations and coupon as their own block) or a Jinja expression with a
  default (code email) where the cursor is.
- Every edit and every change of the preview's contact starts one background `Task` that
  lints the template (`lint_template`) and renders it for the contact (`render_preview`:
  nothing is written). The latest edit wins: one made while a check runs is checked
  right after. Results go to the dialog on the GUI thread.
- The contact chooser lists the sample contact and the newest contacts; its search reads
  contacts by email or name (keyset query on the GUI thread: a page of 30). The
  preview's "Profile" button calls `open_profile(contact_id)` (the window's
  `contacts.open_profile`); without `open_profile` the button is not shown.
- "Send test" exists only when delivery is set up (stored SMTP settings): it sends the
  email made for the chosen contact to each address in "Send test to" (the sender address
  of the app settings at first; `trial_send.parse_recipients` checks them) with
  `engine.delivery.trial_send.send_test` in a Task: subject "[Test] …", outside the
  outbox, not tracked, not counted. Without SMTP settings the dialog says how to get it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from PySide6.QtCore import QObject, Qt

from app import overview
from app.background import Task
from engine.clock import SystemClock
from engine.db.database import Database
from engine.db.models import Contact
from engine.delivery.password import smtp_password
from engine.delivery.smtp_settings import load_smtp_settings
from engine.delivery.trial_send import parse_recipients, send_test
from engine.journey.data import EmailTemplate
from engine.errors import InputError
from engine.journey.drafts import load_template, store_template
from engine.messaging.fields import custom_fields_seen
from engine.messaging.lint import lint_template
from engine.templating.templates import RenderError
from engine.messaging.preview import render_preview
from engine.blocks.to_code import to_code
from engine.settings import load_settings
from app.merge_fields import block_for, chip, code, merge_fields
from widgets.email_editor import EmailEditorDialog
from widgets.merge_field_picker import MergeFieldPicker

SAMPLE_LABEL = "Sample contact (Alex Rivera)"
CONTACTS_SHOWN = 30
TEMPLATE_FIELDS = ("name", "subject", "preheader", "body", "format", "layout")
SAVED_NOTE = ("Changes are saved as you make them; Undo (Ctrl+Z) takes them back while "
              "this window is open.")
LIVE_NOTE = ("Changes go into the journey as you type: undo them there (Ctrl+Z), and save "
             "the journey to keep them.")


def edited_fields(before: EmailTemplate | None, after: EmailTemplate) -> str | tuple[str, ...]:
    """The field an edit changed ("subject"), or the fields when several changed."""
    if before is None:
        return TEMPLATE_FIELDS
    changed = tuple(f for f in TEMPLATE_FIELDS if getattr(before, f) != getattr(after, f))
    return changed[0] if len(changed) == 1 else changed


def smtp_ready(database: Database):
    """The stored SMTP settings, or None when delivery is not set up."""
    with database.session() as session:
        return load_smtp_settings(session)


class EmailSession(QObject):
    def __init__(self, dialog: EmailEditorDialog, database: Database,
                 store: Callable[[EmailTemplate], str] | None, public_url: str | None,
                 journey=None, open_profile: Callable[[int], object] | None = None):
        super().__init__(dialog)
        self.dialog, self.database, self._store = dialog, database, store
        self._public_url = public_url
        self._task: Task | None = None
        self._pending: EmailTemplate | None = None
        self._template = dialog.editor.template()
        self.journey = journey
        self._gone = False
        self._applied = self._template  # what the journey holds, as far as this dialog knows
        dialog.editor.template_edited.connect(self.check)
        if journey is not None:
            dialog.set_live_editing(LIVE_NOTE)
            dialog.editor.template_edited.connect(self._apply)
            journey.bridge.templates_changed.connect(self._journey_changed)
        dialog.preview.contact_changed.connect(lambda _id: self.check(self._template))
        dialog.preview.set_contact_search(self._search_contacts)
        self._open_profile = open_profile
        if open_profile is None:
            dialog.preview.profile_button.hide()  # nobody would open it
        else:
            dialog.preview.profile_requested.connect(open_profile)
        dialog.save_requested.connect(self._save)
        dialog.send_test_requested.connect(self._send_test)
        self.picker = None
        dialog.editor.personalise.clicked.connect(self.open_picker)
        if hasattr(dialog.editor, "convert_requested"):
            dialog.editor.convert_requested.connect(self.convert)
        if dialog.test_button is None and journey is None:
            dialog.set_status("To send a test, set up an email server first: Settings ▸ Sending.")
        self._search_contacts("")  # fills the chooser, which starts the first check
        self.check(self._template)

    # ---- checks ------------------------------------------------------------------------------

    def check(self, template: EmailTemplate | None) -> None:
        if template is None:
            return
        self._template = template
        contact_id = self.dialog.preview.contact_id()
        # a block email is rendered at once, here: its page is compiled in about a
        # millisecond and rendered in ~20, so the preview follows each block edit without
        # waiting for the check thread's turn; its checks still run in the background
        render_here = template.format == "blocks"
        if render_here:
            self._show(self._render(template, contact_id))
        if self._task is not None:
            self._pending = template
            return
        self.dialog.preview.set_busy(True)
        self._task = Task(lambda _progress, _cancelled: self._lint_and_render(
            template, contact_id, render=not render_here), self, name="trellis-email-check")
        self._task.succeeded.connect(self._checked)
        self._task.failed.connect(self.dialog.preview.show_error)
        self._task.finished.connect(self._next)
        self._task.start()

    def is_checking(self) -> bool:
        return self._task is not None

    def _render(self, template: EmailTemplate, contact_id: int | None):
        """The email for the contact, or the reason it cannot be made."""
        with self.database.session() as session:
            try:
                return render_preview(template, now=datetime.now(timezone.utc),
                                      session=session, contact_id=contact_id)
            except (RenderError, LookupError) as error:
                return getattr(error, "reason", str(error))

    def _lint_and_render(self, template: EmailTemplate, contact_id: int | None,
                         render: bool = True):
        with self.database.session() as session:
            brand = load_settings(session).brand  # block emails are checked as they look
            problems = lint_template(template, known_fields=custom_fields_seen(session),
                                     brand=brand)
        return problems, self._render(template, contact_id) if render else None

    def _checked(self, result) -> None:
        problems, email = result
        self.dialog.editor.set_lint(problems)
        if email is not None:
            self._show(email)

    def _show(self, email) -> None:
        if isinstance(email, str):
            self.dialog.preview.show_error(email)
        else:
            self.dialog.preview.show_email(email)

    def _next(self) -> None:
        self._task.deleteLater()
        self._task = None
        if self._pending is not None:
            template, self._pending = self._pending, None
            self.check(template)

    # ---- contacts ----------------------------------------------------------------------------

    def _search_contacts(self, text: str) -> None:
        with self.database.session() as session:
            found = overview.fetch_contacts(session, text, limit=CONTACTS_SHOWN)
        self.dialog.preview.set_contacts(
            [(SAMPLE_LABEL, None)]
            + [(f"{c.name} <{c.email}>" if c.name else c.email, c.id) for c in found])

    # ---- in a journey: every edit is an undoable edit of the journey ----------------------------

    @property
    def key(self) -> str:
        """The key of the email being edited."""
        return self._applied.key

    def saved_note(self) -> None:
        """Live editing of a saved template (not a journey's email): say how it is kept."""
        self.dialog.set_live_editing(SAVED_NOTE)

    def _apply(self, template: EmailTemplate) -> None:
        if self._gone:
            return  # the email left the journey: typing must not bring it back
        field = edited_fields(self._applied, template)
        if template.format == "blocks" and hasattr(self.dialog.editor, "last_merge_key"):
            # the block editor says which edits are one step: typing in one block's field
            field = self.dialog.editor.last_merge_key
        self._applied = template
        reason = self.journey.set_template(template, merge_key=field)
        if reason:
            self.dialog.set_status(f"Not taken into the journey: {reason}")
        else:
            self.dialog.mark_applied(template)

    def _journey_changed(self) -> None:
        key = self._applied.key if self._applied is not None else None
        current = self.journey.journey.templates.get(key)
        if current is None:
            self._gone = True
            self.dialog.close()  # the email left the journey (its "Add email" was undone)
        elif current != self._applied:
            self._applied = current
            self.dialog.editor.set_template(current)
            self.check(current)

    # ---- personalisation ---------------------------------------------------------------------

    def open_picker(self) -> MergeFieldPicker:
        """The merge-field picker, with each field's value for the contact of the preview."""
        contact_id = self.dialog.preview.contact_id()
        with self.database.session() as session:
            fields = merge_fields(session, contact_id, datetime.now(timezone.utc))
        label = self.dialog.preview.contacts.currentText() or SAMPLE_LABEL
        self.picker = MergeFieldPicker(fields, label, self.dialog)
        self.picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.picker.chosen.connect(self.insert_field)
        self.picker.open()
        return self.picker

    def insert_field(self, field: str, fallback: str) -> bool:
        """A chip (block email) or a Jinja expression with its default (code email) where
        the cursor is; products and the coupon as their own block in a block email."""
        editor = self.dialog.editor
        template = editor.template() or self._template
        if template.format == "blocks":
            block = block_for(field)
            if block is not None:
                return editor.add_block(*block)
            done = editor.insert_text(chip(field, fallback))
        else:
            done = editor.insert_text(code(field, fallback))
        if not done:
            self.dialog.set_status("Click into a text field first: the field goes where the "
                                   "cursor is.")
        return done

    # ---- blocks → code -------------------------------------------------------------------------

    def convert(self, format: str) -> EmailEditorDialog | None:
        """Make the block email a code email (one undo step where edits go) and show it in
        the code editor in place of this dialog; None when it could not."""
        template = self.dialog.editor.template()
        if template is None or self.journey is None:
            return None
        with self.database.session() as session:
            brand = load_settings(session).brand
        code = to_code(template, format, brand)
        reason = self.journey.set_template(code)
        if reason:
            self.dialog.set_status(f"Not converted: {reason}")
            return None
        self._gone = True  # this dialog shows blocks no more
        parent, journey = self.dialog.parentWidget(), self.journey
        self.dialog.close()
        self.replacement = open_email_editor(parent, self.database, code, None,
                                             self._public_url, journey,
                                             open_profile=self._open_profile)
        return self.replacement

    # ---- saving and testing --------------------------------------------------------------------

    def _save(self, template: EmailTemplate) -> None:
        if self._store is None:  # in a journey: edits went into it as they were made
            return
        reason = self._store(template)
        if reason:
            self.dialog.set_status(f"Not saved: {reason}")
        else:
            self.dialog.mark_saved(template)

    def _send_test(self, template: EmailTemplate) -> None:
        contact_id = self.dialog.preview.contact_id()
        with self.database.session() as session:
            email = session.get(Contact, contact_id).email
            sender = load_settings(session).sender_email
        try:
            recipients = parse_recipients(self.dialog.test_recipients()) or [sender]
        except InputError as error:
            self.dialog.set_status(f"The test was not sent: {error}")
            return
        smtp = smtp_ready(self.database)

        def work(_progress, _cancelled):
            password = smtp_password(smtp)
            return [send_test(self.database, SystemClock(), smtp, template, email, to=to,
                              password=password, public_url=self._public_url)
                    for to in recipients]

        self.dialog.test_button.setEnabled(False)
        self.dialog.set_status(f"Sending a test made for {email}…")
        task = Task(work, self, name="trellis-send-test")
        task.succeeded.connect(lambda sent: self.dialog.set_status(
            f"Test sent to {', '.join(s.to for s in sent)}: “{sent[0].subject}”"))
        task.failed.connect(lambda reason: self.dialog.set_status(f"The test was not sent: {reason}"))
        task.finished.connect(lambda: self.dialog.test_button.setEnabled(True))
        task.start()


def open_email_editor(parent, database: Database, template: EmailTemplate,
                      store: Callable[[EmailTemplate], str] | None, public_url: str | None,
                      journey=None, *, open_profile: Callable[[int], object] | None = None
                      ) -> EmailEditorDialog:
    """Show the email editor for `template` (non-modal); it deletes itself when closed.
    With `journey`, the email is one of that journey document's and edits go into it;
    `open_profile(contact_id)` backs the preview's Profile button."""
    send_test = smtp_ready(database) is not None
    if template.format == "blocks":
        from widgets.block_editor.dialog import BlockEditorDialog

        dialog = BlockEditorDialog(template, parent, send_test=send_test)
    else:
        dialog = EmailEditorDialog(template, parent, send_test=send_test)
    with database.session() as session:
        dialog.set_test_recipients(load_settings(session).sender_email)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.session = EmailSession(dialog, database, store, public_url, journey, open_profile)
    if journey is not None and hasattr(dialog, "set_undo_stack"):
        dialog.set_undo_stack(journey.undo_stack)
    dialog.show()
    return dialog


def edit_journey_email(parent, database: Database, journey, key: str,
                       public_url: str | None, *,
                       open_profile: Callable[[int], object] | None = None
                       ) -> EmailEditorDialog:
    """The email editor for the email `key` of the open journey document `journey`."""
    return open_email_editor(parent, database, journey.journey.templates[key], None,
                             public_url, journey, open_profile=open_profile)


def edit_stored_template(parent, database: Database, template_id: int,
                         on_saved: Callable[[], None], public_url: str | None, *,
                         open_profile: Callable[[int], object] | None = None
                         ) -> EmailEditorDialog:
    """The email editor for a template of the Templates page; saving writes its row."""
    with database.session() as session:
        template = load_template(session, template_id)
    if template.format == "blocks":
        # a block email is edited live, with its own undo: each edit stored as it is made
        from app.saved_template_document import SavedTemplateDocument

        document = SavedTemplateDocument(database, template_id, template, on_saved)
        dialog = open_email_editor(parent, database, template, None, public_url, document,
                                   open_profile=open_profile)
        document.setParent(dialog)
        dialog.session.saved_note()
        return dialog

    def store(edited: EmailTemplate) -> str:
        with database.session() as session:
            store_template(session, template_id, edited, datetime.now(timezone.utc))
        on_saved()
        return ""

    return open_email_editor(parent, database, template, store, public_url,
                             open_profile=open_profile)
