"""Settings ▸ Tracking: the public URL, its self-test, and what that means, in plain words.

Contract: `TrackingCard(setup)` where `setup` has `load()` (an object with `public_url`,
`last_test`, `last_test_passed`), `save(url_or_None)` (raises, with a message for people,
on a bad URL: then nothing is stored) and `test(url)` (→ an object with `tracked`,
`reason`, `warning`; it may take seconds and runs off the GUI thread) —
engine.messaging.tracking.TrackingSetup is one. "Save and test" stores the URL and tests it;
the answer line says whether links will work for readers and what is tracked.
`tracking_changed(mode)` is emitted after each test, so the owner can point the running
engine at the decision (EngineHost.retest_tracking). Empty URL: tracking off, said so.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton

from widgets.background_call import BackgroundCall
from widgets.page_parts import Card

OFF_WORDS = ("Tracking is off: emails carry their links as written, no open pixel and no "
             "\"view in browser\"; unsubscribing works by email (the mailbox must be set up "
             "to read those).")


def _tone(label: QLabel, tone: str) -> None:
    label.setProperty("tone", tone)
    label.style().unpolish(label)
    label.style().polish(label)


class TrackingCard(Card):
    tracking_changed = Signal(object)

    def __init__(self, setup, parent=None):
        super().__init__(parent)
        self.setup = setup
        self._call: BackgroundCall | None = None
        self.body.addWidget(QLabel("Tracking", objectName="cardTitle"))
        about = QLabel("Opens and clicks can only be tracked when the people who read your "
                       "emails can reach Trellis over the internet: through a reverse proxy with "
                       "HTTPS on a server, or a tunnel. See docs/tracking.md.",
                       objectName="muted", wordWrap=True)
        self.body.addWidget(about)
        row = QHBoxLayout()
        self.url = QLineEdit(placeholderText="https://mail.example.com")
        self.url.setAccessibleName("Public URL")
        self.test_button = QPushButton("Save and test")
        self.test_button.clicked.connect(self.save_and_test)
        row.addWidget(self.url, 1)
        row.addWidget(self.test_button)
        self.body.addLayout(row)
        self.answer = QLabel(objectName="statusPill", wordWrap=True)
        self.body.addWidget(self.answer)
        self.warning = QLabel(objectName="fieldError", wordWrap=True)
        self.warning.hide()
        self.body.addWidget(self.warning)
        self._show_stored()

    def _show_stored(self) -> None:
        stored = self.setup.load()
        self.url.setText(stored.public_url or "")
        if not stored.public_url:
            self._say(OFF_WORDS, "neutral")
        elif stored.last_test:
            self._say(stored.last_test if stored.last_test_passed
                      else f"Tracking is off: {stored.last_test}",
                      "success" if stored.last_test_passed else "warning")
        else:
            self._say("Not tested yet: press \"Save and test\".", "neutral")

    def _say(self, text: str, tone: str) -> None:
        self.answer.setText(text)
        _tone(self.answer, tone)

    def save_and_test(self) -> None:
        text = self.url.text().strip()
        self.warning.hide()
        try:
            self.setup.save(text or None)
        except Exception as error:  # noqa: BLE001 — the message is for people
            self._say(str(error), "danger")
            return
        if not text:
            self._say(OFF_WORDS, "neutral")
            return
        self.test_button.setEnabled(False)
        self._say(f"Testing {text} …", "neutral")
        self._call = BackgroundCall(lambda: self.setup.test(text), self)
        self._call.succeeded.connect(self._tested)
        self._call.failed.connect(lambda reason: self._done(f"The test failed: {reason}", "danger"))
        self._call.start()

    def _tested(self, mode) -> None:
        self._done(mode.reason, "success" if mode.tracked else "warning")
        if mode.warning:
            self.warning.setText(mode.warning)
            self.warning.show()
        self.tracking_changed.emit(mode)

    def _done(self, text: str, tone: str) -> None:
        self.test_button.setEnabled(True)
        self._say(text, tone)
