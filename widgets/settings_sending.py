"""Settings ▸ Sending: the email server, who the email is from, and a test email.

Contract:
- `SendingSection()` is the form; it writes nothing itself. `set_form(form,
  password_stored)` shows an `engine.delivery.sending_setup.SendingForm` (the password
  field stays empty: its placeholder says whether one is stored); `form()` reads the
  fields back as a `SendingForm` (password None when left empty: keep the stored one).
- Intents, as signals: `save_requested(SendingForm)`, `test_connection_requested(SendingForm)`
  (the fields as typed, saved or not), `send_test_requested(template_key, contact_id, to)`,
  `refresh_requested()` (the section was shown: the owner re-reads the database).
- What the owner reports back: `set_errors({field: sentence})` puts each sentence under
  its field (and clears the others), `set_flags({field: sentence})` marks example values
  ("replace the example address"), `set_status(text, tone)` under the Save button,
  `set_testing(bool)` while a connection test runs, `set_connection_result(check)` (an
  `engine.delivery.connection_check.ConnectionCheck`), `set_test_choices(templates,
  contacts, to)` fills the test email's choices ([(label, key)], [(label, id)]),
  `set_sending_test(bool)` and `set_test_result(text, tone)`.
- Choosing a security fills in its usual port when the port was another usual one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.delivery.sending_setup import DEFAULT_PORTS, SECURITY_LABELS, SendingForm
from widgets.icons import icon
from widgets.page_parts import Card

CARD_MAX_WIDTH = 760
FIELDS = ("host", "port", "security", "username", "password", "sender_name", "sender_email",
          "reply_to", "postal_address")


def _card(title: str, description: str) -> Card:
    card = Card()
    card.body.addWidget(QLabel(title, objectName="cardTitle"))
    text = QLabel(description, objectName="muted", wordWrap=True)
    card.body.addWidget(text)
    return card


def _note(tone: str | None = None) -> QLabel:
    label = QLabel(objectName="fieldError" if tone == "danger" else "fieldNote", wordWrap=True)
    if tone:
        label.setProperty("tone", tone)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _show(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class _Grid(QGridLayout):
    """Label | field rows, with notes (errors, flags) on rows of their own under the field.

    A grid rather than a QFormLayout: the form layout squeezed a field holding
    word-wrapped notes below its height, and the notes overlapped the field."""

    def __init__(self):
        super().__init__()
        self.setHorizontalSpacing(20)
        self.setVerticalSpacing(4)
        self.setColumnStretch(1, 1)

    def addRow(self, label: QWidget, field: QWidget, notes: list[QWidget] = ()) -> None:
        row = self.rowCount()
        self.addWidget(label, row, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.addWidget(field, row, 1)
        for offset, note in enumerate(notes, start=1):
            self.addWidget(note, row + offset, 1)


class SendingSection(QWidget):
    save_requested = Signal(object)  # SendingForm
    test_connection_requested = Signal(object)  # SendingForm
    send_test_requested = Signal(str, int, str)  # template key, contact id, to
    refresh_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.host = QLineEdit(placeholderText="smtp.example.com")
        self.port = QLineEdit(maxLength=5)
        self.port.setMaximumWidth(90)
        self.security = QComboBox()
        for value, label in SECURITY_LABELS.items():
            self.security.addItem(label, value)
        self.security.currentIndexChanged.connect(self._security_changed)
        self.username = QLineEdit(placeholderText="often your email address")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.sender_name = QLineEdit()
        self.sender_email = QLineEdit()
        self.reply_to = QLineEdit(placeholderText="replies go to the from address")
        self.postal_address = QPlainTextEdit()
        self.postal_address.setTabChangesFocus(True)
        self.postal_address.setFixedHeight(64)
        self.errors = {field: _note("danger") for field in FIELDS}
        self.flags = {field: _note("warning") for field in ("sender_email", "postal_address")}

        server = _card("Email server", "The SMTP server your emails leave through: your email "
                       "provider's (Google Workspace, Microsoft 365…) or a sending service "
                       "(Postmark, Mailgun, Amazon SES…). The password is kept in this "
                       "computer's keychain, never in the database.")
        form = self._form(server)
        self._row(form, "Server", self.host, "host")
        port_row = QHBoxLayout()
        port_row.addWidget(self.port)
        port_row.addSpacing(16)
        port_row.addWidget(QLabel("Security", objectName="fieldLabel"))
        port_row.addWidget(self.security)
        port_row.addStretch(1)
        holder = QWidget()
        holder.setLayout(port_row)
        port_row.setContentsMargins(0, 0, 0, 0)
        self._row(form, "Port", holder, "port", extra=("security",))
        self._row(form, "User name", self.username, "username")
        self._row(form, "Password", self.password, "password")
        self.test_button = QPushButton(icon("refresh"), " Test connection")
        self.test_button.setToolTip("Connect and log in with the settings as typed; "
                                    "nothing is sent")
        self.test_button.clicked.connect(lambda: self.test_connection_requested.emit(self.form()))
        self.connection_headline = QLabel(objectName="connectionResult", wordWrap=True)
        self.connection_detail = _note()
        self.connection_headline.hide()
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        server.body.addLayout(test_row)
        server.body.addWidget(self.connection_headline)
        server.body.addWidget(self.connection_detail)

        sender = _card("Sender", "Who your emails come from, and the postal address the "
                       "footer of every marketing email prints (the law asks for it).")
        form = self._form(sender)
        self._row(form, "From name", self.sender_name, "sender_name")
        self._row(form, "From address", self.sender_email, "sender_email")
        self._row(form, "Reply-to", self.reply_to, "reply_to")
        self._row(form, "Postal address", self.postal_address, "postal_address")
        self.save_button = QPushButton("Save")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.form()))
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Show the saved settings again")
        self.revert_button.clicked.connect(self.refresh_requested)
        self.status = QLabel(objectName="muted", wordWrap=True)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.status, 1)

        trial = _card("Send a test email", "One of your emails, made for a contact as a journey "
                      "would make it, sent now with the saved settings. The subject starts with "
                      "[Test]; opens and clicks are not counted.")
        form = self._form(trial)
        self.test_template = QComboBox()
        self.test_contact = QComboBox()
        self.test_to = QLineEdit(placeholderText="you@yourshop.com, a colleague…")
        self._default_to = ""
        form.addRow(QLabel("Email", objectName="fieldLabel"), self.test_template)
        form.addRow(QLabel("Made for", objectName="fieldLabel"), self.test_contact)
        form.addRow(QLabel("Send to", objectName="fieldLabel"), self.test_to)
        self.send_test_button = QPushButton(icon("mail"), " Send test email")
        self.send_test_button.clicked.connect(self._send_test)
        self.test_result = QLabel(objectName="muted", wordWrap=True)
        send_row = QHBoxLayout()
        send_row.addWidget(self.send_test_button)
        send_row.addWidget(self.test_result, 1)
        trial.body.addLayout(send_row)

        # the section, not each card, has the width limit: height-for-width (the wrapped
        # notes) is then worked out for the width the cards really get
        self.setMaximumWidth(CARD_MAX_WIDTH)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(20)
        column.addWidget(server)
        column.addWidget(sender)
        column.addLayout(save_row)
        column.addWidget(trial)
        column.addStretch(1)
        self._column = column

    def add_card(self, card: QWidget) -> None:
        """A card of its own below the sending form (the mailbox, the deliverability check)."""
        self._column.insertWidget(self._column.count() - 1, card)
        card.show()

    # ---- building ----------------------------------------------------------------------------

    @staticmethod
    def _form(card: Card) -> "_Grid":
        grid = _Grid()
        card.body.addLayout(grid)
        return grid

    def _row(self, form: "_Grid", label: str, widget: QWidget, field: str,
             extra: tuple[str, ...] = ()) -> None:
        notes = [self.errors[name] for name in (field, *extra)]
        if field in self.flags:
            notes.append(self.flags[field])
        form.addRow(QLabel(label, objectName="fieldLabel"), widget, notes)

    # ---- the form ------------------------------------------------------------------------------

    def set_form(self, form: SendingForm, password_stored: bool) -> None:
        self.host.setText(form.host)
        self.port.setText(str(form.port) if form.host else str(DEFAULT_PORTS["starttls"]))
        self.security.blockSignals(True)
        self.security.setCurrentIndex(max(0, self.security.findData(form.security)))
        self.security.blockSignals(False)
        self.username.setText(form.username)
        self.password.clear()
        self.password.setPlaceholderText("stored in the keychain — type to replace it"
                                         if password_stored else "")
        self.sender_name.setText(form.sender_name)
        self.sender_email.setText(form.sender_email)
        self.reply_to.setText(form.reply_to)
        self.postal_address.setPlainText(form.postal_address)
        self.set_errors({})

    def form(self) -> SendingForm:
        return SendingForm(
            host=self.host.text().strip(), port=self.port.text().strip(),
            security=self.security.currentData(), username=self.username.text().strip(),
            password=self.password.text() or None, sender_name=self.sender_name.text(),
            sender_email=self.sender_email.text(), reply_to=self.reply_to.text(),
            postal_address=self.postal_address.toPlainText())

    def _security_changed(self) -> None:
        if self.port.text().strip() in {str(p) for p in DEFAULT_PORTS.values()} | {""}:
            self.port.setText(str(DEFAULT_PORTS[self.security.currentData()]))

    def refresh(self) -> None:
        self.refresh_requested.emit()

    # ---- reports from the owner ------------------------------------------------------------------

    def set_errors(self, errors: dict[str, str]) -> None:
        for field, label in self.errors.items():
            _show(label, errors.get(field, ""))

    def set_flags(self, flags: dict[str, str]) -> None:
        for field, label in self.flags.items():
            text = flags.get(field, "")
            _show(label, f"⚠ {text[0].upper()}{text[1:]}." if text else "")

    def set_status(self, text: str, tone: str | None = None) -> None:
        self.status.setText(text)
        self.status.setProperty("tone", tone)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def set_testing(self, testing: bool) -> None:
        self.test_button.setEnabled(not testing)
        if testing:
            self.connection_headline.setText("Testing the connection…")
            self.connection_headline.show()
            _show(self.connection_detail, "")

    def set_connection_result(self, check) -> None:
        self.connection_headline.setText(("✓ " if check.ok else "✗ ") + check.headline)
        self.connection_headline.setProperty("tone", "success" if check.ok else "danger")
        self.connection_headline.style().unpolish(self.connection_headline)
        self.connection_headline.style().polish(self.connection_headline)
        self.connection_headline.show()
        detail = check.detail + (f"\n{check.hint}" if check.hint else "")
        _show(self.connection_detail, detail)

    def set_test_choices(self, templates: list[tuple[str, str]],
                         contacts: list[tuple[str, int]], to: str) -> None:
        for combo, items in ((self.test_template, templates), (self.test_contact, contacts)):
            current = combo.currentData()
            combo.clear()
            for label, value in items:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
        # the sender address is the default: it follows the saved one until the user types
        if self.test_to.text().strip() in ("", self._default_to):
            self.test_to.setText(to)
        self._default_to = to

    def _send_test(self) -> None:
        if self.test_template.currentData() is None or self.test_contact.currentData() is None:
            self.set_test_result("Choose an email and a contact first.", "danger")
            return
        self.send_test_requested.emit(self.test_template.currentData(),
                                      int(self.test_contact.currentData()), self.test_to.text())

    def set_sending_test(self, sending: bool) -> None:
        self.send_test_button.setEnabled(not sending)
        if sending:
            self.set_test_result("Sending…")

    def set_test_result(self, text: str, tone: str | None = None) -> None:
        self.test_result.setText(text)
        self.test_result.setProperty("tone", tone)
        self.test_result.style().unpolish(self.test_result)
        self.test_result.style().polish(self.test_result)
