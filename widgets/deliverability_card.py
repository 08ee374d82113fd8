"""Settings ▸ Sending: the deliverability check (SPF, DKIM, DMARC) and optional DKIM signing.

Contract: `DeliverabilityCard(check, dkim=None)`. `check()` returns an
engine.delivery.deliverability.DeliverabilityReport for the sender's domain (it asks DNS,
so it runs off the GUI thread); each finding is shown as a line: the check, a status
pill (OK / Warning / Problem), what is wrong and how to fix it, in the report's words.
`dkim` (optional; engine.delivery.dkim_sign.DkimSetup is one) has `load()` → (settings
or None, TXT value), `enable(domain)` → TXT value, and `disable()`; the card then offers
"Sign my emails with DKIM" and shows the record to publish, with where.
`domain` is the sender's domain the card speaks of (`set_domain`).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QPushButton, QWidget

from widgets.background_call import BackgroundCall
from widgets.page_parts import Card
from widgets.settings_tracking import _tone

PILL = {"ok": ("OK", "success"), "warning": ("Warning", "warning"), "problem": ("Problem", "danger")}


class DeliverabilityCard(Card):
    def __init__(self, check: Callable[[], object], dkim=None, domain: str = "", parent=None):
        super().__init__(parent)
        self._check, self.dkim, self.domain = check, dkim, domain
        self._call: BackgroundCall | None = None
        self.body.addWidget(QLabel("Deliverability", objectName="cardTitle"))
        self.body.addWidget(QLabel(
            "Mailbox providers trust email whose domain says, in DNS, which servers may send "
            "it (SPF), signs it (DKIM) and asks for checks (DMARC).", objectName="muted",
            wordWrap=True))
        self.check_button = QPushButton("Check my domain")
        self.check_button.clicked.connect(self.run_check)
        self.body.addWidget(self.check_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.summary = QLabel(objectName="muted", wordWrap=True)
        self.body.addWidget(self.summary)
        self.results = QWidget()
        self.grid = QGridLayout(self.results)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.results)
        self.rows: list[tuple[str, str, str]] = []  # (check, pill text, words) as shown
        if dkim is not None:
            self.sign = QCheckBox("Sign my emails with DKIM (for mail servers that do not sign)")
            self.record = QLabel(objectName="fieldValue", wordWrap=True)
            self.record.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.body.addWidget(self.sign)
            self.body.addWidget(self.record)
            settings, record = dkim.load()
            self.sign.setChecked(bool(settings and settings.enabled))
            self._show_record(settings, record)
            self.sign.toggled.connect(self._toggle_signing)

    def set_domain(self, domain: str) -> None:
        self.domain = domain

    def run_check(self) -> None:
        self.check_button.setEnabled(False)
        self.summary.setText("Asking DNS …")
        self._call = BackgroundCall(self._check, self)
        self._call.succeeded.connect(self._show)
        self._call.failed.connect(self._failed)
        self._call.start()

    def _failed(self, reason: str) -> None:
        self.check_button.setEnabled(True)
        self.summary.setText(f"The check could not run: {reason}")

    def _show(self, report) -> None:
        self.check_button.setEnabled(True)
        while self.grid.count():
            self.grid.takeAt(0).widget().deleteLater()
        self.rows = []
        problems = sum(f.status != "ok" for f in report.findings)
        self.summary.setText(f"{report.domain}: all good." if report.ok else
                             f"{report.domain}: {problems} thing(s) to fix.")
        for row, finding in enumerate(report.findings):
            text, tone = PILL.get(finding.status, (finding.status, "neutral"))
            pill = QLabel(text, objectName="statusPill")
            _tone(pill, tone)
            words = finding.problem + (f"\nFix: {finding.fix}" if finding.fix else "") \
                if finding.problem or finding.fix else f"Found: {finding.found}"
            detail = QLabel(words, wordWrap=True)
            detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.grid.addWidget(QLabel(finding.check, objectName="fieldLabel"), row, 0)
            self.grid.addWidget(pill, row, 1)
            self.grid.addWidget(detail, row, 2)
            self.rows.append((finding.check, text, words))
        self.grid.setColumnStretch(2, 1)

    def _toggle_signing(self, on: bool) -> None:
        try:
            if on:
                if not self.domain:
                    raise ValueError("set the sender address first: its domain is signed")
                record = self.dkim.enable(self.domain)
                settings, _ = self.dkim.load()
                self._show_record(settings, record)
            else:
                self.dkim.disable()
                self._show_record(None, None)
        except Exception as error:  # noqa: BLE001 — said in words; the box goes back
            self.sign.blockSignals(True)
            self.sign.setChecked(not on)
            self.sign.blockSignals(False)
            self.record.setText(str(error))

    def _show_record(self, settings, record: str | None) -> None:
        if settings is None or not settings.enabled or not record:
            self.record.setText("")
            self.record.hide()
            return
        self.record.setText(f"Add a TXT record named {settings.record_name} with this value:\n"
                            f"{record}")
        self.record.show()
