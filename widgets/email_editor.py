"""The email editor: name, subject, preview text and body of one template, its lint results,
and its preview beside it.

Contract:
- `EmailEditor(template)` is the form: name, subject, preheader ("preview text"), body
  format (Markdown or HTML), layout and body. A block email's body, format and layout are
  read-only here, with a note in place of the body (the preview shows the email; the
  block editor edits it); its name, subject and preview text can still be edited. Every edit that makes a valid template
  emits `template_edited(EmailTemplate)` after a short pause (`EDIT_DELAY_MS`); an
  invalid field (an empty name…) is named under the form instead and nothing is emitted.
  `flush()` emits a pending edit at once. `template()` is the current valid template or
  None; `set_template(t)` shows another version of it (an undo in the journey) without
  emitting. `set_lint([(severity, message)])` shows the lint results beside the form,
  errors first.
- `EmailEditorDialog(template, parent, send_test=False, editor=None)`: the editor (an
  `EmailEditor`, or `editor`, a widget with the same face such as the block editor) and an
  `EmailPreview` side by side. "Save changes" emits `save_requested(EmailTemplate)`
  (enabled once something changed and the template is valid); the owner stores it and
  calls `mark_saved()`. With `send_test`, a "Send test" button and a "Send test to" field
  (one or more addresses: yours, colleagues'; `set_test_recipients(text)` fills it with
  the sender address) emit `send_test_requested(EmailTemplate)` for the contact chosen in
  the preview (the sample contact cannot be sent); `test_recipients()` is the field's
  text; `set_status(text)` shows how that went. Closing
  with unsaved changes asks first. `set_live_editing(note)` is for an email that lives in
  a journey: there is no Save button (each edit goes into the journey, undoable there, as
  the owner applies it and calls `mark_applied()`), `note` says so, and closing first
  hands over the last keystrokes. The dialog does no work itself: the owner lints,
  renders and saves (app/email_session.py).
"""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from engine.errors import validation_words
from engine.journey.data import EmailTemplate
from engine.messaging.layouts import layout_names
from widgets.email_preview import EmailPreview
from widgets.icons import icon

EDIT_DELAY_MS = 300
#: the header fields of an email (name, subject, preview text) as their form names them
HEADER_LABELS = {"name": "Name", "subject": "Subject", "preheader": "Preview text"}
FORMATS = {"markdown": "Markdown", "html": "HTML"}
BLOCKS_NOTE = ("This email is designed with blocks, so its body cannot be edited as code "
               "here: the preview beside shows it as it will be sent. Name, subject and "
               "preview text can be changed (personalise with chips like "
               "[[contact.first_name|there]]).")
SEVERITY_ICONS = {"error": ("error", "danger"), "warning": ("warning", "warning")}


class EmailEditor(QWidget):
    template_edited = Signal(object)  # EmailTemplate

    def __init__(self, template: EmailTemplate, parent=None):
        super().__init__(parent)
        self._original = template
        self.name = QLineEdit(template.name)
        self.subject = QLineEdit(template.subject)
        self.preheader = QLineEdit(template.preheader,
                                   placeholderText="The line inboxes show after the subject")
        self.format = QComboBox()
        for value, label in FORMATS.items():
            self.format.addItem(label, value)
        self.format.addItem("Blocks", "blocks")
        self.format.setCurrentIndex(self.format.findData(template.format))
        self.layout_choice = QComboBox()
        for name in layout_names():
            self.layout_choice.addItem("No layout (the body is the whole email)"
                                       if name == "none" else name.capitalize(), name)
        self.layout_choice.setCurrentIndex(max(0, self.layout_choice.findData(template.layout)))
        self.body = QPlainTextEdit(template.body)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), 10.5))
        self.body.setFont(mono)
        self.body.setTabChangesFocus(True)
        self._show_blocks(template)
        self.invalid = QLabel(objectName="fieldError", wordWrap=True)
        self.invalid.hide()
        self.lint = QListWidget(objectName="lintList")
        self.lint.setWordWrap(True)
        self.lint_title = QLabel("Checks", objectName="cardTitle")

        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Subject", self.subject)
        form.addRow("Preview text", self.preheader)
        form.addRow("Format", self.format)
        form.addRow("Layout", self.layout_choice)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        body_row = QHBoxLayout()
        body_row.addWidget(QLabel("Body", objectName="fieldLabel"))
        body_row.addStretch(1)
        self.personalise = QPushButton(icon("contacts"), " Personalise")
        self.personalise.setToolTip("Insert a contact field (with what to show when a "
                                    "contact has none), the cart, recommendations or a "
                                    "coupon where the cursor is")
        body_row.addWidget(self.personalise)
        layout.addLayout(body_row)
        layout.addWidget(self.body, 3)
        layout.addWidget(self.invalid)
        layout.addWidget(self.lint_title)
        layout.addWidget(self.lint, 1)

        self._last_line: QLineEdit | None = None
        QApplication.instance().focusChanged.connect(self._focus_moved)
        self._timer = QTimer(self, singleShot=True, interval=EDIT_DELAY_MS)
        self._timer.timeout.connect(self._emit_edit)
        for line in (self.name, self.subject, self.preheader):
            line.textChanged.connect(self._timer.start)
        self.body.textChanged.connect(self._timer.start)
        self.format.currentIndexChanged.connect(self._timer.start)
        self.layout_choice.currentIndexChanged.connect(self._timer.start)

    def _show_blocks(self, template: EmailTemplate) -> None:
        """A block email: its body is read-only here, with a note (the preview shows it)."""
        blocks = template.format == "blocks"
        self.body.setReadOnly(blocks)
        self.format.setEnabled(not blocks)
        self.layout_choice.setEnabled(not blocks)
        if blocks and self.body.toPlainText() != BLOCKS_NOTE:
            self.body.setPlainText(BLOCKS_NOTE)

    def insert_text(self, text: str) -> bool:
        """Insert `text` where the cursor is: in the subject or preview text when one of
        them was the last field used, else in the body. False for a block email here."""
        if self._original.format == "blocks":
            return False
        target = self._last_line if self._last_line is not None else self.body
        if isinstance(target, QLineEdit):
            target.insert(text)
        else:
            target.textCursor().insertText(text)
        target.setFocus()
        self._timer.start()
        return True

    def template(self) -> EmailTemplate | None:
        fields = {"name": self.name.text().strip(), "subject": self.subject.text(),
                  "preheader": self.preheader.text()}
        if self._original.format != "blocks":  # a block email's body is not edited here
            fields |= {"body": self.body.toPlainText(), "format": self.format.currentData(),
                       "layout": self.layout_choice.currentData()}
        try:
            return EmailTemplate.model_validate(self._original.model_dump() | fields)
        except ValidationError as error:
            self.invalid.setText(validation_words(error, labels=HEADER_LABELS))
            return None

    def changed(self) -> bool:
        current = self.template()
        return current is None or current != self._original

    def mark_saved(self, template: EmailTemplate) -> None:
        self._original = template

    def set_template(self, template: EmailTemplate) -> None:
        """Show `template` (the same email, changed elsewhere) without emitting an edit."""
        self._original = template
        for line, text in ((self.name, template.name), (self.subject, template.subject),
                           (self.preheader, template.preheader)):
            if line.text() != text:
                line.setText(text)
        if template.format != "blocks" and self.body.toPlainText() != template.body:
            self.body.setPlainText(template.body)
        self._show_blocks(template)
        self.format.setCurrentIndex(max(0, self.format.findData(template.format)))
        self.layout_choice.setCurrentIndex(max(0, self.layout_choice.findData(template.layout)))
        self._timer.stop()  # the fields' change signals asked for an edit: it is no edit
        self.invalid.hide()

    def _focus_moved(self, _old, new) -> None:
        if new in (self.subject, self.preheader):
            self._last_line = new
        elif new is self.body:
            self._last_line = None

    def flush(self) -> None:
        """Emit the edit waiting for the typing pause to end, now."""
        if self._timer.isActive():
            self._timer.stop()
            self._emit_edit()

    def _emit_edit(self) -> None:
        template = self.template()
        self.invalid.setVisible(template is None)
        if template is not None:
            self.template_edited.emit(template)

    def set_lint(self, problems: list[tuple[str, str]]) -> None:
        self.lint.clear()
        ordered = sorted(problems, key=lambda p: p[0] != "error")
        for severity, message in ordered:
            name, tone = SEVERITY_ICONS.get(severity, ("warning", "warning"))
            self.lint.addItem(QListWidgetItem(icon(name, tone), message))
        if not problems:
            self.lint.addItem(QListWidgetItem(icon("flag", "success"), "No problems found"))
        errors = sum(1 for severity, _ in problems if severity == "error")
        warnings = len(problems) - errors
        self.lint_title.setText("Checks" + (f" — {errors} to fix" if errors else "")
                                + (f", {warnings} to look at" if warnings else ""))


class EmailEditorDialog(QDialog):
    save_requested = Signal(object)  # EmailTemplate
    send_test_requested = Signal(object)  # EmailTemplate

    def __init__(self, template: EmailTemplate, parent=None, *, send_test: bool = False,
                 editor: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Email: {template.name}")
        self.resize(1240, 800)
        # another editor with EmailEditor's face (the block editor) may take the form's place
        self.editor = editor if editor is not None else EmailEditor(template)
        self.preview = EmailPreview()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.editor)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        self.status = QLabel(objectName="muted", wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.save_button = self.buttons.addButton("Save changes",
                                                  QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setProperty("primary", True)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._save)
        self.test_button = None
        self._live = False
        self.test_to: QLineEdit | None = None
        if send_test:
            self.test_button = self.buttons.addButton("Send test",
                                                      QDialogButtonBox.ButtonRole.ActionRole)
            self.test_button.clicked.connect(self._send_test)
            self.test_to = QLineEdit(placeholderText="you@yourshop.com, a colleague…")
            self.test_to.setToolTip("One or more addresses, separated by commas: each gets "
                                    "the email made for the contact chosen in the preview, "
                                    "subject starting with [Test]")
            self.test_to.returnPressed.connect(self._send_test)
            self.preview.contact_changed.connect(self._test_possible)
            self._test_possible(self.preview.contact_id())
        self.editor.template_edited.connect(self._edited)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        if self.test_to is not None:
            test_row = QHBoxLayout()
            test_row.addWidget(QLabel("Send test to", objectName="fieldLabel"))
            test_row.addWidget(self.test_to, 1)
            layout.addLayout(test_row)
        layout.addWidget(self.buttons)

    def set_live_editing(self, note: str) -> None:
        self._live = True
        self.save_button.hide()
        self.set_status(note)

    def mark_applied(self, template: EmailTemplate) -> None:
        """The owner took `template` in (live editing): nothing is left unsaved here."""
        self.editor.mark_saved(template)

    def _edited(self, _template: EmailTemplate) -> None:
        self.save_button.setEnabled(self.editor.changed())

    def _save(self) -> None:
        template = self.editor.template()
        if template is not None:
            self.save_requested.emit(template)

    def _test_possible(self, contact_id: int | None) -> None:
        # a test is rendered exactly as for a stored contact: the sample one has no data
        self.test_button.setEnabled(contact_id is not None)
        self.test_button.setToolTip(
            "Send this email, made for the chosen contact, to the addresses in "
            "“Send test to”"
            if contact_id is not None else "Choose one of your contacts to send a test")

    def set_test_recipients(self, text: str) -> None:
        if self.test_to is not None:
            self.test_to.setText(text)

    def test_recipients(self) -> str:
        return self.test_to.text() if self.test_to is not None else ""

    def _send_test(self) -> None:
        if not self.test_button.isEnabled():
            return
        template = self.editor.template()
        if template is not None:
            self.send_test_requested.emit(template)

    def mark_saved(self, template: EmailTemplate) -> None:
        self.editor.mark_saved(template)
        self.save_button.setEnabled(False)
        self.set_status("Saved.")

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def done(self, result: int) -> None:
        if self._live:
            self.editor.flush()  # the last keystrokes go into the journey too
        super().done(result)

    def reject(self) -> None:
        if not self._live and self.editor.changed():
            answer = QMessageBox.question(
                self, "Unsaved changes", "Close the email without saving your changes?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()
