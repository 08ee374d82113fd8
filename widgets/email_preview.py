"""The email preview: one rendered email as an inbox shows it, in a real browser engine.

Contract:
- `EmailPreview(parent=None)` shows a `RenderedEmail` given to `show_email()`: the inbox
  line (from, subject, preheader), the HTML in QtWebEngine (`QWebEngineView`, JavaScript
  off, clicked links open in the system browser) at desktop (680 px) or mobile (375 px)
  width, optionally in dark mode (Chromium's forced dark mode, as mail apps darken
  email), and a "Plain text" tab. `show_error(reason)` replaces it with why the email
  cannot be made; `set_busy(True)` says a render is on its way.
- Who the email is for: `set_contacts([(label, contact_id or None)])` fills the chooser
  (None is the sample contact); picking one emits `contact_changed(contact_id or None)`
  and the owner renders again. `set_contact_search(callback)` adds a search field whose
  text (debounced) is passed to the callback, which answers with `set_contacts()`. With
  `choose_contact=False` there is no chooser (an email already made for someone).
- The "Profile" button beside the chooser (`profile_button`; disabled for the sample
  contact, who has no profile) emits `profile_requested(contact_id)`; the owner opens
  that contact's profile window.
- Without QtWebEngine (not installed, or `TRELLIS_NO_WEBENGINE=1`) the panel says so and
  shows the HTML in a QTextBrowser (widgets/simple_email_view.py: remote images are
  fetched, with a placeholder until they arrive), which understands only simple HTML and
  has no dark mode; `uses_web_engine` tells which one is in use.
- If the browser engine took the app down the last time it started (widgets.
  web_engine_guard: the first email a run loads arms the guard, its load settles it), the
  panel uses the simplified view, says why, and offers "Try the exact preview again"
  (`retry_button`), which switches this panel to the browser engine at once.
- `prepare_web_engine()` must run before the QApplication exists (app/gui.py does): it
  shares OpenGL contexts as QtWebEngine requires and, when running as root, where
  Chromium refuses its sandbox, turns the sandbox off (QTWEBENGINE_CHROMIUM_FLAGS).
"""

from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.messaging.compose import RenderedEmail
from widgets import web_engine_guard
from widgets.simple_email_view import SimpleEmailView

DESKTOP_WIDTH, MOBILE_WIDTH = 680, 375
SEARCH_DELAY_MS = 250
NO_WEB_ENGINE = (
    "This computer has no browser engine for previews (QtWebEngine), so this is a "
    "simplified view: real email apps show more styling. Install PySide6-WebEngine for "
    "the exact preview."
)
AFTER_A_CRASH = (
    "Trellis closed unexpectedly the last time its browser engine (QtWebEngine) started "
    "showing an email, as happens with some graphics drivers, virtual machines and remote "
    "desktops — so this is a simplified view: real email apps show more styling."
)


def prepare_web_engine() -> None:
    if QCoreApplication.instance() is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()


def _web_engine():
    """(QWebEngineView, QWebEnginePage, QWebEngineSettings), or None without QtWebEngine."""
    if os.environ.get("TRELLIS_NO_WEBENGINE"):
        return None
    try:
        from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
        from PySide6.QtWebEngineWidgets import QWebEngineView
    except ImportError:
        return None
    return QWebEngineView, QWebEnginePage, QWebEngineSettings


def _browser_view(parent: QWidget) -> QWidget | None:
    classes = _web_engine()
    if classes is None or not web_engine_guard.usable():
        return None
    view_class, page_class, settings_class = classes

    class EmailPage(page_class):
        """Keeps the preview on the email: a clicked link opens in the system browser."""

        def acceptNavigationRequest(self, url, kind, is_main_frame):  # noqa: N802 (Qt name)
            if kind == page_class.NavigationType.NavigationTypeLinkClicked:
                QDesktopServices.openUrl(url)
                return False
            return True

    view = view_class(parent)
    view.setPage(EmailPage(view))
    view.settings().setAttribute(settings_class.WebAttribute.JavascriptEnabled, False)
    view.dark_attribute = settings_class.WebAttribute.ForceDarkMode
    return view


class EmailPreview(QWidget):
    contact_changed = Signal(object)  # contact id, or None for the sample contact
    profile_requested = Signal(int)  # contact id: the owner opens the profile window

    def __init__(self, parent=None, *, choose_contact: bool = True):
        super().__init__(parent)
        self._email: RenderedEmail | None = None
        self._search: Callable[[str], None] | None = None

        self.contacts = QComboBox()
        self.contacts.setMinimumWidth(240)
        self.contacts.currentIndexChanged.connect(self._contact_picked)
        self.profile_button = QPushButton("Profile")
        self.profile_button.setToolTip("Open this contact's profile: fields, events, journeys")
        self.profile_button.setEnabled(False)  # the sample contact (the first) has none
        self.profile_button.clicked.connect(self._profile_clicked)
        self.search = _SearchField(placeholderText="Find a contact…", clearButtonEnabled=True)
        self.search.hide()
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self._search(self.search.text()))
        self.search.textChanged.connect(self._search_timer.start)

        self.desktop = QPushButton("Desktop", checkable=True, checked=True)
        self.mobile = QPushButton("Mobile", checkable=True)
        widths = QButtonGroup(self)
        widths.addButton(self.desktop)
        widths.addButton(self.mobile)
        self.desktop.toggled.connect(self._apply_width)
        self.dark = QPushButton("Dark mode", checkable=True)
        self.dark.toggled.connect(self._apply_dark)

        bar = QHBoxLayout()
        for_label = QLabel("Preview for", objectName="fieldLabel")
        bar.addWidget(for_label)
        bar.addWidget(self.contacts)
        bar.addWidget(self.profile_button)
        bar.addWidget(self.search)
        bar.addStretch(1)
        for widget in (for_label, self.contacts, self.profile_button):
            widget.setVisible(choose_contact)
        for button in (self.desktop, self.mobile, self.dark):
            bar.addWidget(button)

        self.inbox = QLabel(objectName="inboxLine", wordWrap=True)
        self.inbox.setTextFormat(Qt.TextFormat.RichText)
        self.notice = QLabel(objectName="muted", wordWrap=True)
        self.retry_button = QPushButton("Try the exact preview again")
        self.retry_button.setToolTip(
            "Show emails in the browser engine again. If Trellis closes again, the next "
            "start comes back to the simplified view.")
        self.retry_button.clicked.connect(self._retry_web_engine)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignTop)

        self.frame = QWidget(objectName="emailFrame")
        self._frame_row = QHBoxLayout(self.frame)
        self._frame_row.setContentsMargins(0, 0, 0, 0)
        self._frame_row.addStretch(1)
        self._frame_row.addStretch(1)
        self.web: QWidget | None = None

        self.error = QLabel(objectName="previewError", wordWrap=True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.html_stack = QStackedWidget()
        self.html_stack.addWidget(self.frame)
        self.html_stack.addWidget(self.error)

        self.text = QPlainTextEdit(readOnly=True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.html_stack, "Email")
        self.tabs.addTab(self.text, "Plain text")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(notice_row)
        layout.addWidget(self.inbox)
        layout.addWidget(self.tabs, 1)
        self._use_view(_browser_view(self))

    def _use_view(self, browser: QWidget | None) -> None:
        """Show emails in `browser` (a web view), or in the simplified view when None."""
        if self.web is not None:
            self._frame_row.removeWidget(self.web)
            self.web.deleteLater()
        self.uses_web_engine = browser is not None
        self.web = browser if browser is not None else SimpleEmailView()
        self._frame_row.insertWidget(1, self.web)
        if self.uses_web_engine:
            self.web.loadFinished.connect(self._first_load_finished)
        guarded_off = _web_engine() is not None and web_engine_guard.crashed_last_time()
        self.notice.setText(AFTER_A_CRASH if guarded_off else NO_WEB_ENGINE)
        self.notice.setVisible(not self.uses_web_engine)
        self.retry_button.setVisible(guarded_off)
        self.dark.setEnabled(self.uses_web_engine)
        self.dark.setToolTip("" if self.uses_web_engine
                             else "Dark mode needs the browser engine (QtWebEngine)")
        if self.uses_web_engine and self.dark.isChecked():
            self.web.settings().setAttribute(self.web.dark_attribute, True)
        self._apply_width()

    def _retry_web_engine(self) -> None:
        web_engine_guard.retry()
        self._use_view(_browser_view(self))
        if self._email is not None:
            self.show_email(self._email)

    def _first_load_finished(self, ok: bool) -> None:
        # the browser engine loaded an email: once it has painted for a while, it works here
        QTimer.singleShot(web_engine_guard.SETTLE_MS, web_engine_guard.settle)

    # ---- who ---------------------------------------------------------------------------

    def set_contacts(self, contacts: list[tuple[str, int | None]]) -> None:
        """Fill the chooser; the current contact stays chosen when it is still listed."""
        current = self.contact_id()
        self.contacts.blockSignals(True)
        self.contacts.clear()
        for label, contact_id in contacts:
            self.contacts.addItem(label, contact_id)
        index = self.contacts.findData(current)
        self.contacts.setCurrentIndex(max(index, 0))
        self.contacts.blockSignals(False)
        self._update_profile_button()
        if self.contact_id() != current:
            self.contact_changed.emit(self.contact_id())

    def set_contact_search(self, search: Callable[[str], None]) -> None:
        self._search = search
        self.search.show()

    def contact_id(self) -> int | None:
        return self.contacts.currentData()

    def _contact_picked(self) -> None:
        self._update_profile_button()
        self.contact_changed.emit(self.contact_id())

    def _update_profile_button(self) -> None:
        self.profile_button.setEnabled(self.contact_id() is not None)

    def _profile_clicked(self) -> None:
        contact_id = self.contact_id()
        if contact_id is not None:
            self.profile_requested.emit(contact_id)

    # ---- what ----------------------------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def show_email(self, email: RenderedEmail) -> None:
        self._email = email
        self.set_busy(False)
        sender = _escape(email.from_name)
        preheader = f" — <span style='font-weight:400'>{_escape(email.preheader)}</span>" \
            if email.preheader else ""
        self.inbox.setText(f"<b>{sender}</b><br>{_escape(email.subject)}{preheader}")
        if self.uses_web_engine:
            web_engine_guard.arm()  # the first email of the run: remembered until it settles
        self.web.setHtml(email.html)
        self.text.setPlainText(email.text)
        self.html_stack.setCurrentWidget(self.frame)

    def show_error(self, reason: str) -> None:
        self._email = None
        self.set_busy(False)
        self.inbox.setText("")
        self.error.setText(f"This email cannot be made for this contact:\n\n{reason}")
        self.text.setPlainText("")
        self.html_stack.setCurrentWidget(self.error)

    def email(self) -> RenderedEmail | None:
        return self._email

    def html_width(self) -> int:
        return self.web.width()

    # ---- how -----------------------------------------------------------------------------

    def _apply_width(self) -> None:
        self.web.setFixedWidth(DESKTOP_WIDTH if self.desktop.isChecked() else MOBILE_WIDTH)

    def _apply_dark(self, dark: bool) -> None:
        if not self.uses_web_engine:
            return
        self.web.settings().setAttribute(self.web.dark_attribute, dark)
        if self._email is not None:
            self.web.setHtml(self._email.html)  # the setting applies from the next load


class _SearchField(QLineEdit):
    """A search field that asks for room for its whole placeholder, in the font it has
    when laid out (the app's style sets fonts after widgets are made)."""

    def minimumSizeHint(self):  # noqa: N802 (Qt name)
        hint = super().minimumSizeHint()
        # text margins and frame on both sides, and the clear button (as tall as the field)
        needed = (self.fontMetrics().horizontalAdvance(self.placeholderText())
                  + 16 + self.sizeHint().height())
        hint.setWidth(max(hint.width(), needed))
        return hint


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
