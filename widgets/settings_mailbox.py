"""Settings ▸ Mailbox: the IMAP mailbox Trellis reads for unsubscribes, bounces and complaints.

Contract: `MailboxCard(setup)` where `setup` has `load()` → (settings or None, has a
password), `save(settings, password)` and `test(settings, password)` (→ a sentence; raises
with a message for people; may take seconds and runs off the GUI thread) —
engine.mailbox.setup.MailboxSetup is one. The form holds server, port, encryption, user,
password (kept in the keychain, never shown back), the address unsubscribe mails go to,
the folders, and whether a plain "unsubscribe" reply counts. "Test connection" tests what
the form says, saved or not; "Save" validates first and names the field that is wrong
(nothing is stored then). `saved()` is emitted after a save (the owner restarts the
reader). `status` tells the outcome in words.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
)
from pydantic import ValidationError

from engine.mailbox.settings import DEFAULT_PORTS, MailboxSettings
from widgets.background_call import BackgroundCall
from widgets.page_parts import Card
from widgets.settings_tracking import _tone

SECURITY = {"tls": "TLS (port 993)", "starttls": "STARTTLS (port 143)", "none": "None (not encrypted)"}


class MailboxCard(Card):
    saved = Signal()

    def __init__(self, setup, parent=None):
        super().__init__(parent)
        self.setup = setup
        self._call: BackgroundCall | None = None
        self.body.addWidget(QLabel("Mailbox", objectName="cardTitle"))
        self.body.addWidget(QLabel(
            "Trellis reads this mailbox for unsubscribe requests, bounce reports and spam "
            "complaints, and moves what it handled to a folder of its own. Use the mailbox of "
            "your sending address (or the address below).", objectName="muted", wordWrap=True))
        form = QFormLayout()
        self.host = QLineEdit(placeholderText="imap.example.com")
        self.port = QSpinBox(minimum=1, maximum=65535, value=993)
        self.security = QComboBox()
        for key, label in SECURITY.items():
            self.security.addItem(label, key)
        self.security.currentIndexChanged.connect(self._default_port)
        self.username = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.address = QLineEdit(placeholderText="the sender address")
        self.folder = QLineEdit("INBOX")
        self.done_folder = QLineEdit("Trellis/Handled")
        self.plain_replies = QCheckBox("A reply saying \"unsubscribe\" from a contact's own "
                                       "address unsubscribes them")
        for label, field in (("IMAP server", self.host), ("Port", self.port),
                             ("Encryption", self.security), ("User name", self.username),
                             ("Password", self.password),
                             ("Unsubscribe mails go to", self.address),
                             ("Folder to read", self.folder),
                             ("Move handled mail to", self.done_folder)):
            form.addRow(label, field)
        form.addRow("", self.plain_replies)
        self.body.addLayout(form)
        buttons = QHBoxLayout()
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.status = QLabel(objectName="statusPill", wordWrap=True)
        self.body.addWidget(self.status)
        self._load()

    def _default_port(self) -> None:
        if self.port.value() in DEFAULT_PORTS.values():
            self.port.setValue(DEFAULT_PORTS[self.security.currentData()])

    def _load(self) -> None:
        settings, has_password = self.setup.load()
        if settings is None:
            self._say("No mailbox set up: unsubscribe mails, bounces and complaints are not "
                      "read yet.", "warning")
            return
        self.host.setText(settings.host)
        self.security.setCurrentIndex(self.security.findData(settings.security))
        self.port.setValue(settings.port)
        self.username.setText(settings.username)
        self.address.setText(settings.address or "")
        self.folder.setText(settings.folder)
        self.done_folder.setText(settings.done_folder)
        self.plain_replies.setChecked(settings.accept_plain_replies)
        self.password.setPlaceholderText("kept in the keychain" if has_password else "")
        self._say(f"Reading {settings.describe()}." if has_password else
                  f"{settings.describe()}: no password found; enter it and save.",
                  "success" if has_password else "warning")

    def form_settings(self) -> MailboxSettings:
        """The form as settings; ValueError naming the field that is wrong."""
        try:
            return MailboxSettings(
                host=self.host.text().strip(), port=self.port.value(),
                security=self.security.currentData(), username=self.username.text().strip(),
                address=self.address.text().strip() or None, folder=self.folder.text().strip(),
                done_folder=self.done_folder.text().strip(),
                accept_plain_replies=self.plain_replies.isChecked())
        except ValidationError as error:
            first = error.errors()[0]
            name = MailboxSettings.model_fields[first["loc"][0]].title or first["loc"][0]
            raise ValueError(f"{name}: {first['msg']}") from None

    def _say(self, text: str, tone: str) -> None:
        self.status.setText(text)
        _tone(self.status, tone)

    def save(self) -> None:
        try:
            self.setup.save(self.form_settings(), self.password.text() or None)
        except Exception as error:  # noqa: BLE001 — the message is for people
            self._say(str(error), "danger")
            return
        self.password.clear()
        self._load()
        self.saved.emit()

    def test_connection(self) -> None:
        try:
            settings = self.form_settings()
        except ValueError as error:
            self._say(str(error), "danger")
            return
        password = self.password.text() or None
        self.test_button.setEnabled(False)
        self._say(f"Connecting to {settings.host} …", "neutral")
        self._call = BackgroundCall(lambda: self.setup.test(settings, password), self)
        self._call.succeeded.connect(lambda text: self._tested(text[:1].upper() + text[1:], "success"))
        self._call.failed.connect(lambda reason: self._tested(reason, "danger"))
        self._call.start()

    def _tested(self, text: str, tone: str) -> None:
        self.test_button.setEnabled(True)
        self._say(text, tone)
