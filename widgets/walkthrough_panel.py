"""The walk-through panel: pick a scenario and a contact, run it, read what happened step by step.

Contract:
- `WalkthroughPanel(presets)` where `presets` is {key: label} (engine.simulation.walkthrough.PRESETS).
  `set_contacts([(label, contact_id or None)])` fills the contact chooser (None: an
  invented contact). "Walk through" emits `run_requested(preset_key, contact_id or None)`;
  the owner runs it off the GUI thread and calls `set_running(True)`, `set_progress(f)`,
  then `show_timeline(lines)` or `show_error(reason)` (both end the run); `clear()` is
  the state before any run (another journey opened), inviting one. While running,
  "Stop" emits `cancel_requested()`. "Profile" beside a real contact emits
  `profile_requested(contact_id)` (the owner opens the contact's profile).
- The timeline is `engine.simulation.walkthrough.walk_through`'s lines: one row per line, with the
  time since the start, an icon for its kind, the step's name and the plain-words
  explanation. Clicking an email row emits `email_clicked(line)` (the owner previews
  it); clicking any step row emits `step_clicked(node_id)`.
- `path()` is the node ids of the last timeline in the order they were first reached,
  for the canvas to highlight; `mark_outdated()` says the journey changed since (the
  timeline stays, the owner stops highlighting). Nothing in a walk-through is sent; the
  panel says so.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.words import plural
from widgets.icons import icon

LINE_ROLE = Qt.ItemDataRole.UserRole + 1
#: kind -> (icon, colour token)
KIND_ICONS = {
    "event": ("star", "info"),
    "enter": ("bolt", "accent"),
    "email": ("mail", "accent"),
    "wait": ("hourglass", "icon"),
    "branch": ("branch", "icon"),
    "action": ("list-add", "icon"),
    "hold": ("pause", "warning"),
    "skip": ("warning", "warning"),
    "exit": ("flag", "success"),
    "note": ("warning", "warning"),
}
NOTHING_SENT = "A walk-through runs on a copy: nothing is sent and your contacts are not touched."
#: before the first walk-through of a journey (not "0 steps reached": nothing ran yet)
INVITATION = ("Pick how the contact behaves and who they are, then Walk through "
              "to see each step they reach and every email, with its timing. ")


def since_start(seconds: float) -> str:
    """3600 → "+1 h"; 93600 → "+1 d 2 h"; 0 → "Start"."""
    minutes = round(seconds / 60)
    if minutes <= 0:
        return "Start"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins and not days:
        parts.append(f"{mins} min")
    return "+" + " ".join(parts)


class WalkthroughPanel(QWidget):
    run_requested = Signal(str, object)  # preset key, contact id or None
    cancel_requested = Signal()
    email_clicked = Signal(dict)
    step_clicked = Signal(str)
    profile_requested = Signal(int)

    def __init__(self, presets: dict[str, str], parent=None):
        super().__init__(parent)
        self._lines: list[dict] = []
        self.scenario = QComboBox()
        for key, label in presets.items():
            self.scenario.addItem(label, key)
        self.contact = QComboBox()
        for combo in (self.scenario, self.contact):
            # long contact names must not widen the panel beside the canvas
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.run_button = QPushButton(icon("play", "on_accent"), " Walk through")
        self.run_button.setProperty("primary", True)
        self.run_button.clicked.connect(self._run)
        self.stop_button = QPushButton(icon("stop"), " Stop")
        self.stop_button.clicked.connect(self.cancel_requested)
        self.stop_button.hide()
        self.progress = QProgressBar(textVisible=False, maximum=1000)
        self.progress.setMaximumHeight(6)
        self.progress.hide()

        self.profile_button = QPushButton("Profile")
        self.profile_button.setToolTip("Open this contact's profile: fields, events, journeys")
        self.profile_button.clicked.connect(
            lambda: self.profile_requested.emit(self.contact.currentData()))
        self.contact.currentIndexChanged.connect(
            lambda _i: self.profile_button.setEnabled(self.contact.currentData() is not None))
        self.profile_button.setEnabled(False)
        contact_row = QHBoxLayout()
        contact_row.addWidget(self.contact, 1)
        contact_row.addWidget(self.profile_button)
        form = QFormLayout()
        form.addRow("Scenario", self.scenario)
        form.addRow("Contact", contact_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.run_button)

        self.summary = QLabel(INVITATION + NOTHING_SENT, objectName="muted", wordWrap=True)
        self.timeline = QListWidget(objectName="timeline")
        self.timeline.setWordWrap(True)
        # re-wrap the rows when the panel is resized, instead of eliding them
        self.timeline.setResizeMode(QListView.ResizeMode.Adjust)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline.itemClicked.connect(self._clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(QLabel("Walk through", objectName="cardTitle"))
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.timeline, 1)

    # ---- input -------------------------------------------------------------------------------

    def set_contacts(self, contacts: list[tuple[str, int | None]]) -> None:
        current = self.contact.currentData()
        self.contact.clear()
        for label, contact_id in contacts:
            self.contact.addItem(label, contact_id)
        self.contact.setCurrentIndex(max(0, self.contact.findData(current)))

    def _run(self) -> None:
        self.run_requested.emit(self.scenario.currentData(), self.contact.currentData())

    # ---- running -----------------------------------------------------------------------------

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.stop_button.setVisible(running)
        self.progress.setVisible(running)
        self.progress.setValue(0)
        if running:
            self.summary.setText("Walking through… " + NOTHING_SENT)

    def set_progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 1000))

    def show_error(self, reason: str) -> None:
        self.set_running(False)
        self.summary.setText(f"The walk-through could not run: {reason}")

    def clear(self) -> None:
        """No walk-through yet (another journey opened): an empty timeline and the
        invitation to run one."""
        self.set_running(False)
        self._lines = []
        self.timeline.clear()
        self.summary.setText(INVITATION + NOTHING_SENT)

    def show_timeline(self, lines: list[dict]) -> None:
        self.set_running(False)
        self._lines = list(lines)
        self.timeline.clear()
        for line in lines:
            name, tone = KIND_ICONS.get(line["kind"], ("flag", "icon"))
            title = f"{line['title']} — " if line.get("title") else ""
            item = QListWidgetItem(icon(name, tone),
                                   f"{since_start(line['offset'])}   {title}{line['explanation']}")
            item.setData(LINE_ROLE, line)
            item.setToolTip(self._tooltip(line))
            self.timeline.addItem(item)
        emails = sum(1 for line in lines if line["kind"] == "email")
        steps = len(self.path())
        self.summary.setText(
            f"{plural(steps, 'step')} reached, "
            f"{plural(emails, 'email')} (click one to see it). {NOTHING_SENT}")

    def mark_outdated(self) -> None:
        if self._lines:
            self.summary.setText("The journey changed since this walk-through: walk through "
                                 "again to see the path it takes now.")

    @staticmethod
    def _tooltip(line: dict) -> str:
        try:
            moment = datetime.fromisoformat(line["at"]).astimezone()
        except (KeyError, ValueError):
            return ""
        return f"{moment:%a %b} {moment.day}, {moment:%H:%M}"

    def lines(self) -> list[dict]:
        return list(self._lines)

    def path(self) -> list[str]:
        seen: dict[str, None] = {}
        for line in self._lines:
            if line.get("node"):
                seen.setdefault(line["node"], None)
        return list(seen)

    def _clicked(self, item: QListWidgetItem) -> None:
        line = item.data(LINE_ROLE)
        if line.get("node"):
            self.step_clicked.emit(line["node"])
        if line["kind"] == "email":
            self.email_clicked.emit(line)
