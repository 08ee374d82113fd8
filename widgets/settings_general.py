"""Settings ▸ General: starting at login and what closing the window does.

Contract:
- `GeneralSettingsCard(start_at_login, set_start_at_login, close_choice, set_close_choice,
  tray_available=True)` is a self-contained card for the Settings page; it knows nothing
  of the app, only these plain callables:
  * `start_at_login() -> bool` and `set_start_at_login(bool)` (app.autostart.Autostart's
    `enabled` / `set_enabled`); an OSError from the setter is shown under the check box,
    which goes back to what is really set;
  * `close_choice() -> "background" | "quit" | None` and `set_close_choice(value)`
    (app.tray.BackgroundTray's), None meaning "Ask me".
- Without a tray (`tray_available=False`) the close choice is hidden: closing then always
  asks whether to stop sending, and Trellis starts at login with its window shown.
- `refresh()` re-reads both settings (they can change elsewhere: the close question).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel

from widgets.page_parts import Card

CLOSE_CHOICES = {
    None: "Ask me",
    "background": "Keep sending in the background",
    "quit": "Quit Trellis",
}
CARD_MAX_WIDTH = 760


class GeneralSettingsCard(Card):
    def __init__(self, start_at_login: Callable[[], bool],
                 set_start_at_login: Callable[[bool], None],
                 close_choice: Callable[[], str | None],
                 set_close_choice: Callable[[str | None], None],
                 tray_available: bool = True, parent=None):
        super().__init__(parent)
        # keeps Card's object name: the style sheet draws cards by it
        self.setMaximumWidth(CARD_MAX_WIDTH)
        self._start_at_login, self._set_start_at_login = start_at_login, set_start_at_login
        self._close_choice, self._set_close_choice = close_choice, set_close_choice
        self.body.addWidget(QLabel("Starting and closing", objectName="cardTitle"))
        text = QLabel("Trellis sends your journeys' emails only while it runs. Let it start "
                      "with your computer and keep running when its window is closed.",
                      objectName="muted")
        text.setWordWrap(True)
        self.body.addWidget(text)
        self.body.addSpacing(4)

        where = "in the tray" if tray_available else "with its window open"
        self.login_box = QCheckBox(f"Start Trellis when I log in (it opens {where})")
        self.login_box.setObjectName("startAtLogin")
        self.login_box.toggled.connect(self._login_toggled)
        self.body.addWidget(self.login_box)
        self.error = QLabel(objectName="fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.body.addWidget(self.error)

        self.close_combo = QComboBox(objectName="closeChoice")
        for value, label in CLOSE_CHOICES.items():
            self.close_combo.addItem(label, value)
        self.close_combo.currentIndexChanged.connect(self._close_changed)
        form = QFormLayout()
        form.addRow(QLabel("Closing the window while journeys are live",
                           objectName="fieldLabel"), self.close_combo)
        self.body.addLayout(form)
        self.close_combo.setVisible(tray_available)
        form.labelForField(self.close_combo).setVisible(tray_available)
        self.refresh()

    def refresh(self) -> None:
        self.login_box.blockSignals(True)
        self.login_box.setChecked(bool(self._start_at_login()))
        self.login_box.blockSignals(False)
        self.close_combo.blockSignals(True)
        self.close_combo.setCurrentIndex(max(0, self.close_combo.findData(self._close_choice())))
        self.close_combo.blockSignals(False)

    def _login_toggled(self, on: bool) -> None:
        try:
            self._set_start_at_login(on)
        except OSError as error:
            self.error.setText(f"Could not {'set up' if on else 'remove'} the login item: "
                               f"{error}")
            self.error.show()
        else:
            self.error.hide()
        self.refresh()  # show what is really set

    def _close_changed(self, _index: int) -> None:
        self._set_close_choice(self.close_combo.currentData())
