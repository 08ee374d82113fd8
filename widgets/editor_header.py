"""The bar above the journey canvas: which journey, its state, and what can be done with it.

Contract:
- `EditorHeader()` shows "← Journeys", the journey's name, a status pill (Draft, Live,
  Paused), a line about the live version and the contacts in it, whether the edits are
  saved, and the buttons Results (`results_requested()`), Walk through, Preview email (a
  menu of the journey's emails and "New email…"), Pause or Resume (only for a live or paused journey) and Publish.
- `set_journey(name, status, live_version, active)` and `set_saved(saved, where)` fill it
  in; `set_emails([(key, name, subject)])` fills the email menu (with "New email…"
  always at its end); `set_busy(busy)` disables the verbs while
  one runs; `set_walkthrough_open(bool)` checks the Walk through button;
  `set_warnings([words])` shows the journey's spike warnings under the rest.
- Intents, as signals: `back_requested()`, `publish_requested()`, `pause_requested()`,
  `resume_requested()`, `walkthrough_toggled(bool)`, `email_requested(key)`,
  `new_email_requested()`, and from the "Test" menu `test_contact_requested()` ("Enter a
  test contact now…", enabled while the journey is live) and `test_event_requested()`
  ("Send a test event…"). The header does no work itself.
- `release` (a `widgets.release_bar.ReleaseBar`, a line under the rest) shows a canary
  beside the live version and the guard on entry, with their verbs.
- `set_guardrail(text | None)`: a banner under the verbs when a guardrail paused the
  journey — the reason and figures, and Resume (`resume_requested()`).
- In a narrow window the verbs fold to their icons (label in the tooltip and the
  accessible name), as few as needed for the journey's texts to show whole, "Journeys"
  and Test first, Publish never (`folded()`, `is_compact()`, `label_of(button)`); when
  even that is not enough, the name and the state lines end in "…" (whole in their
  tooltips, widgets/elided_label.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.db.models import JourneyStatus
from engine.words import plural
from widgets.elided_label import ElidedLabel
from widgets.icons import icon
from widgets.release_bar import ReleaseBar

PILLS = {JourneyStatus.DRAFT: ("Draft", "neutral"), JourneyStatus.LIVE: ("Live", "success"),
         JourneyStatus.PAUSED: ("Paused", "warning"), JourneyStatus.ARCHIVED: ("Archived", "neutral")}


#: px between the header's parts (its row's spacing) and around them (its margins)
ROW_SPACING, SIDE_MARGIN = 10, 16


class EditorHeader(QWidget):
    back_requested = Signal()
    publish_requested = Signal()
    pause_requested = Signal()
    resume_requested = Signal()
    walkthrough_toggled = Signal(bool)
    email_requested = Signal(str)
    new_email_requested = Signal()
    test_contact_requested = Signal()
    test_event_requested = Signal()
    results_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("editorHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._status = JourneyStatus.DRAFT
        self.back = QPushButton(icon("journeys"), " Journeys", objectName="flatButton")
        self.back.setToolTip("Back to the list of journeys")
        self.back.clicked.connect(self.back_requested)
        self.name = ElidedLabel(objectName="editorTitle")
        self.pill = QLabel(objectName="statusPill")
        self.info = ElidedLabel(objectName="muted")
        self.saved = ElidedLabel(objectName="muted")
        # once every verb is folded, long names and states give way, ending in "…" (an
        # explicit minimum replaces a label's minimum size hint: its whole text)
        for label in (self.name, self.info, self.saved):
            label.setMinimumWidth(40)

        self.walkthrough = QPushButton(icon("play"), " Walk through", checkable=True)
        self.walkthrough.setToolTip("Follow one contact through this journey on a virtual "
                                    "clock: nothing is sent")
        self.walkthrough.toggled.connect(self.walkthrough_toggled)
        self.emails = QPushButton(icon("mail"), " Preview email")
        self.email_menu = QMenu(self)
        self.emails.setMenu(self.email_menu)
        self._build_test_menu()
        self.results = QPushButton(icon("chart"), " Results")
        self.results.setToolTip("Opens, clicks, conversions and revenue of this journey")
        self.results.clicked.connect(self.results_requested)
        self.warning = QLabel(objectName="resultsNote")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.pause = QPushButton(icon("pause"), " Pause")
        self.pause.clicked.connect(self._pause_or_resume)
        self.publish = QPushButton(icon("megaphone", "on_accent"), " Publish")
        self.publish.setProperty("primary", True)
        self.publish.setToolTip("Check the journey and make this draft the live version")
        self.publish.clicked.connect(self.publish_requested)

        title = QHBoxLayout()
        title.setSpacing(10)
        title.addWidget(self.name)
        title.addWidget(self.pill)
        title.addStretch(1)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addLayout(title)
        line = QHBoxLayout()
        line.addWidget(self.info)
        line.addWidget(self.saved)
        line.addStretch(1)
        texts.addLayout(line)

        row = QHBoxLayout()
        row.setSpacing(ROW_SPACING)
        row.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        for button in (self.results, self.walkthrough, self.emails, self.test, self.pause,
                       self.publish):
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        # the release line takes the header's whole width, under the verbs
        self.release = ReleaseBar()
        # a guardrail pause: why, and the way out
        self.guardrail = QWidget(objectName="guardrailBanner")
        self.guardrail.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.guardrail_text = QLabel(objectName="guardrailText")
        self.guardrail_text.setWordWrap(True)
        self.guardrail_resume = QPushButton(icon("play"), " Resume")
        self.guardrail_resume.setToolTip("Held steps run at once; guardrails judge the emails "
                                         "sent from now on")
        self.guardrail_resume.clicked.connect(self.resume_requested)
        banner = QHBoxLayout(self.guardrail)
        banner.setContentsMargins(10, 6, 10, 6)
        banner.addWidget(self.guardrail_text, 1)
        banner.addWidget(self.guardrail_resume)
        self.guardrail.hide()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(SIDE_MARGIN, 10, SIDE_MARGIN, 10)
        outer.setSpacing(6)
        outer.addLayout(row)
        outer.addWidget(self.guardrail)
        outer.addWidget(self.release)
        outer.addWidget(self.warning)
        self._folded: tuple[QPushButton, ...] = ()
        self.set_emails([])

    # ---- narrow windows: the verbs fold to their icons so the journey's texts stay whole

    def _folding(self) -> tuple[QPushButton, ...]:
        """The verbs that may show their icon only, the first to fold first (Publish, the
        main verb, keeps its word; "Journeys" is also in the navigation rail)."""
        return (self.back, self.test, self.emails, self.pause, self.walkthrough, self.results)

    def is_compact(self) -> bool:
        """Whether some verbs show their icons only."""
        return bool(self._folded)

    def folded(self) -> tuple[QPushButton, ...]:
        return self._folded

    @staticmethod
    def label_of(button: QPushButton) -> str:
        """A button's label, also while it shows its icon only."""
        return button.property("fullText") or button.text()

    def _set_label(self, button: QPushButton, text: str) -> None:
        """Set a button's label, kept for wide windows while it shows its icon only."""
        button.setProperty("fullText", text)
        button.setText("" if button in self._folded else text)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit(event.size().width())

    def _fit(self, width: int | None = None) -> None:
        """Fold as few verbs as make the header fit with its texts whole, in `_folding`
        order, and unfold them as the header widens. Measured, not a fixed width: the
        same window fits a draft's header and not a live one's (one verb more, Pause,
        and a longer line)."""
        width = self.width() if width is None else width
        shown = [b for b in self._folding() if not b.isHidden()]
        labels = [b.fontMetrics().horizontalAdvance(self.label_of(b)) for b in shown]
        spare = width - self._unfolded_width()
        folding = 0
        while spare < 0 and folding < len(shown):
            spare += labels[folding]
            folding += 1
        folded = tuple(shown[:folding])
        if folded == self._folded:
            return
        self._folded = folded
        for button in self._folding():
            full = self.label_of(button)
            button.setProperty("fullText", full)
            button.setText("" if button in folded else full)
            button.setAccessibleName(full.strip())

    def _unfolded_width(self) -> int:
        """The width the header needs with every label shown: its visible buttons, and
        the wider of its two text lines (name and pill; the state and saved lines)."""
        buttons = [b for b in (*self._folding(), self.publish) if not b.isHidden()]
        width = 0
        for button in buttons:
            width += button.sizeHint().width()
            if button in self._folded:  # add the label it would show
                width += button.fontMetrics().horizontalAdvance(self.label_of(button))
        title = self.name.sizeHint().width() + ROW_SPACING + self.pill.sizeHint().width()
        line = self.info.sizeHint().width() + self.saved.sizeHint().width()
        texts = max(title, line) + ROW_SPACING  # the line layout's own spacing, roughly
        return width + texts + ROW_SPACING * len(buttons) + 2 * SIDE_MARGIN

    def set_journey(self, name: str, status: str, live_version: int | None, active: int) -> None:
        self._status = status
        self.name.setText(name)
        text, tone = PILLS.get(status, (status.capitalize(), "neutral"))
        self.pill.setText(text)
        self.pill.setProperty("tone", tone)
        self.pill.style().unpolish(self.pill)
        self.pill.style().polish(self.pill)
        if live_version is None:
            self.info.setText("Never published")
        else:
            people = f"{plural(active, 'contact')} in it now"
            self.info.setText(f"Version {live_version} {'is live' if status == 'live' else 'paused'}"
                              f" · {people}")
        self.pause.setVisible(status in (JourneyStatus.LIVE, JourneyStatus.PAUSED))
        self._test_status(status)
        paused = status == JourneyStatus.PAUSED
        self._set_label(self.pause, " Resume" if paused else " Pause")
        self.pause.setIcon(icon("play" if paused else "pause"))
        self.pause.setToolTip("Let contacts move on again; timers pick up where they stopped"
                              if paused else "Hold every contact where they are; nothing is "
                              "sent from this journey until you resume")
        self._fit()

    def set_guardrail(self, text: str | None) -> None:
        """Why a guardrail paused the journey (with its figures), or None: no banner."""
        self.guardrail_text.setText(f"Paused by a guardrail: {text}" if text else "")
        self.guardrail.setVisible(bool(text))

    # ---- the Test menu: trying the journey out with real contacts and events ----------------

    def _build_test_menu(self) -> None:
        self.test = QPushButton(icon("bolt"), " Test")
        self.test.setToolTip("Try the journey out with a test contact or a test event")
        menu = QMenu(self)
        self.test_contact_action = menu.addAction(
            icon("hand"), "Enter a test contact now…", self.test_contact_requested.emit)
        self.test_event_action = menu.addAction(icon("bolt"), "Send a test event…",
                                                self.test_event_requested.emit)
        self.test.setMenu(menu)
        self._test_status(JourneyStatus.DRAFT)

    def _test_status(self, status: str) -> None:
        live = status == JourneyStatus.LIVE
        self.test_contact_action.setEnabled(live)
        self.test_contact_action.setToolTip(
            "Put one contact into this journey now; the engine runs their steps for real"
            if live else "Publish the journey (or resume it) to enter a test contact")

    def set_saved(self, saved: bool, where: str = "") -> None:
        self.saved.setText(("· All changes saved" + (f" ({where})" if where else ""))
                           if saved else "· Unsaved changes")
        self._fit()

    def set_emails(self, emails: list[tuple[str, str, str]]) -> None:
        self.email_menu.clear()
        for key, name, subject in emails:
            action = self.email_menu.addAction(icon("mail"), f"{name} — {subject}")
            action.triggered.connect(lambda _checked=False, k=key: self.email_requested.emit(k))
        if emails:
            self.email_menu.addSeparator()
        self.email_menu.addAction(icon("plus"), "New email…", self.new_email_requested)
        self.emails.setToolTip("Edit an email of this journey and preview it for a contact")

    def set_warnings(self, warnings: list[str]) -> None:
        """Spike warnings of the journey (engine.analytics.spikes), on a line of their own."""
        self.warning.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warning.setVisible(bool(warnings))

    def set_busy(self, busy: bool) -> None:
        for button in (self.publish, self.pause, self.walkthrough):
            button.setEnabled(not busy)

    def set_walkthrough_open(self, open_: bool) -> None:
        self.walkthrough.blockSignals(True)
        self.walkthrough.setChecked(open_)
        self.walkthrough.blockSignals(False)

    def _pause_or_resume(self) -> None:
        if self._status == JourneyStatus.PAUSED:
            self.resume_requested.emit()
        else:
            self.pause_requested.emit()
