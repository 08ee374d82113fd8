"""The publish dialog: what blocks publishing, what the new version changes, and what happens
to the contacts already on their way.

Contract:
- `PublishDialog(plan, parent=None)` shows a `PublishPlan` (plain data the app reads from
  the database and the document). With errors among `plan.problems`, or blockers in
  `plan.forecast.errors` (no postal address for marketing email), it lists them and
  offers no way to publish. Otherwise it says what will happen (`plan.forecast`: who can
  enter now, each email with its subject and when it goes, the guards in force, and
  warnings such as "emails will wait in the outbox"), lists the changes
  (`plan.diff.lines()`), the validation warnings, and, when `plan.in_flight` contacts
  are in a journey that has a live version,
  the choice: keep them on their version, or move them — contacts whose step still
  exists stay on it; for each step that is gone (with contacts waiting there) the
  marketer picks a step of the new version or "the rule below", and the rule below (the
  fallback for every step that is gone) is a step or "leave the journey".
- "Who it goes to" (`widgets.release_options.ReleaseOptions`, `release_options`): a canary
  for a share of new entrants (a journey with a live version only; contacts on their way
  then stay on their version) and a guard on entry, pre-filled from `plan.release`.
- Publish emits `publish_requested(PublishChoice)`; the dialog does no work itself. The
  app then calls `set_busy()` (a progress bar; buttons disabled) and `finish_failed(reason)`
  (shown in the dialog, buttons back) or `accept()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from engine.analytics.version_diff import VersionDiff
from engine.runtime.release import ReleaseState
from engine.runtime.publish_preview import PublishForecast
from engine.journey.validation import ERROR, Problem
from engine.words import plural
from widgets.release_options import ReleaseOptions

LEAVE = ""  # the fallback combo's "leave the journey"
REST = None  # a step combo's "follow the rule below" (the fallback)


@dataclass(frozen=True)
class PublishPlan:
    name: str
    problems: list[Problem]
    diff: VersionDiff
    #: the live version's number; None for a first publish
    live_version: int | None
    #: {node_id: contacts waiting there} over all versions in flight
    waiting: dict[str, int] = field(default_factory=dict)
    #: labels of the steps contacts wait at (old versions) and of the new version's steps
    old_labels: dict[str, str] = field(default_factory=dict)
    new_steps: list[tuple[str, str]] = field(default_factory=list)
    #: labels for the problems' steps
    labels: dict[str, str] = field(default_factory=dict)
    #: what publishing will do (None: not worked out, e.g. in older callers)
    forecast: PublishForecast | None = None
    #: the canary and entry guard in force (None: not read)
    release: ReleaseState | None = None
    #: the number publishing will give (versions of a rolled-back canary count too);
    #: None: the live version's plus one
    next_version: int | None = None

    @property
    def number(self) -> int:
        return self.next_version or (self.live_version or 0) + 1

    @property
    def errors(self) -> list[Problem]:
        blockers = [Problem(None, ERROR, text) for text in self.forecast.errors] \
            if self.forecast else []
        return [p for p in self.problems if p.severity == ERROR] + blockers

    @property
    def in_flight(self) -> int:
        return sum(self.waiting.values())


@dataclass(frozen=True)
class PublishChoice:
    #: None: contacts stay on their version; else the explicit node mapping
    move: dict[str, str] | None = None
    #: where contacts go whose step is gone and not mapped; None: they leave the journey
    fallback: str | None = None
    #: release to this % of new entrants first (a canary); None: to everyone
    canary_percent: int | None = None
    #: only contacts matching this condition enter from now on; None: everyone
    entry_guard: dict | None = None


def _heading(text: str) -> QLabel:
    return QLabel(text, objectName="cardTitle")


def _bullets(lines: list[str], tone: str | None = None) -> QLabel:
    label = QLabel("\n".join(f"•  {line}" for line in lines))
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if tone:
        label.setProperty("tone", tone)
    return label


class PublishDialog(QDialog):
    publish_requested = Signal(object)  # PublishChoice

    def __init__(self, plan: PublishPlan, parent=None):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"Publish “{plan.name}”")
        self.setMinimumSize(640, 420)
        self._gone: dict[str, QComboBox] = {}
        self.keep_button = self.move_button = None
        self.fallback: QComboBox | None = None
        self.release_options: ReleaseOptions | None = None

        body = QWidget()
        self._body = QVBoxLayout(body)
        self._body.setSpacing(8)
        if plan.errors:
            self._build_refusal()
        else:
            self._build_summary()
        self._body.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.message = QLabel(objectName="muted", wordWrap=True)
        self.message.hide()
        self.progress = QProgressBar(textVisible=False)
        self.progress.setRange(0, 0)  # publishing has no measurable steps: a busy bar
        self.progress.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.publish_button = None
        if not plan.errors:
            self.publish_button = self.buttons.addButton(
                f"Publish version {plan.number}",
                QDialogButtonBox.ButtonRole.AcceptRole)
            self.publish_button.setProperty("primary", True)
            self.publish_button.setDefault(True)
            self.publish_button.clicked.connect(self._publish)
        else:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

    # ---- content -------------------------------------------------------------------------

    def _section(self, title: str) -> None:
        if self._body.count():
            self._body.addSpacing(14)
        self._body.addWidget(_heading(title))

    def _problem_line(self, problem: Problem) -> str:
        where = self.plan.labels.get(problem.node_id, problem.node_id) if problem.node_id else ""
        return f"{where}: {problem.message}" if where else problem.message

    def _build_refusal(self) -> None:
        errors = self.plan.errors
        self._section(
            f"Fix {'this problem' if len(errors) == 1 else f'these {len(errors)} problems'} "
            "before publishing")
        text = QLabel("Contacts would get stuck or receive broken emails otherwise. The same "
                      "problems are marked on the canvas.", objectName="muted", wordWrap=True)
        self._body.addWidget(text)
        self._body.addWidget(_bullets([self._problem_line(p) for p in errors], "danger"))

    def _build_forecast(self) -> None:
        forecast = self.plan.forecast
        if forecast is None:
            return
        if forecast.warnings:
            self._section("Before you publish")
            self._body.addWidget(_bullets(forecast.warnings, "warning"))
        self._section("Who can enter")
        entry = QLabel(forecast.entry, wordWrap=True, objectName="forecastEntry")
        entry.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._body.addWidget(entry)
        self._section("Emails it sends" if forecast.emails else "Emails it sends: none")
        if forecast.emails:
            lines = []
            for email in forecast.emails:
                notes = [n for n, on in (("transactional", email.transactional),
                                         ("on some paths", email.some_paths)) if on]
                extra = f" ({', '.join(notes)})" if notes else ""
                lines.append(f"{email.step}: “{email.subject}” — {email.when}{extra}")
            self._body.addWidget(_bullets(lines))
        self._section("Guards in force")
        self._body.addWidget(_bullets(forecast.guards))

    def _build_summary(self) -> None:
        plan = self.plan
        self._build_forecast()
        if plan.live_version is None:
            self._section("This will be the first version")
            self._body.addWidget(QLabel(
                "Once published, Trellis runs this journey for every contact who matches its "
                "trigger from now on.", objectName="muted", wordWrap=True))
        else:
            self._section(f"Changes since version {plan.live_version}")
            lines = plan.diff.lines()
            self._body.addWidget(_bullets(lines) if lines else QLabel(
                "Nothing changed: the new version would be the same as the live one.",
                objectName="muted", wordWrap=True))
        warnings = [p for p in plan.problems if p.severity != ERROR]
        if warnings:
            self._section("Worth a look (these do not block publishing)")
            self._body.addWidget(_bullets([self._problem_line(p) for p in warnings], "warning"))
        self._section("Who it goes to")
        guard = plan.release.guard if plan.release is not None else None
        self.release_options = ReleaseOptions(plan.live_version, guard)
        self._body.addWidget(self.release_options)
        if plan.live_version is not None and plan.in_flight:
            self._build_in_flight()
        self.release_options.canary_toggled.connect(self._canary_toggled)

    def _build_in_flight(self) -> None:
        plan = self.plan
        people = plural(plan.in_flight, "contact")
        self._section(f"{people} on their way through this journey")
        self.keep_button = QRadioButton(
            f"Keep them on the version they started (version {plan.live_version} or older)")
        self.move_button = QRadioButton("Move them to the new version")
        group = QButtonGroup(self)
        for button in (self.keep_button, self.move_button):
            group.addButton(button)
            self._body.addWidget(button)
        self.keep_button.setChecked(True)

        self._move_box = QWidget()
        box = QVBoxLayout(self._move_box)
        box.setContentsMargins(28, 0, 0, 0)
        new_ids = {node_id for node_id, _ in plan.new_steps}
        gone = {n: c for n, c in plan.waiting.items() if n not in new_ids}
        box.addWidget(QLabel("Contacts stay on their step when it is still there, timers "
                             "included.", objectName="muted", wordWrap=True))
        form = QFormLayout()
        for node_id, count in sorted(gone.items()):
            combo = self._step_combo(rest=True)
            self._gone[node_id] = combo
            label = plan.old_labels.get(node_id, node_id)
            form.addRow(f"{label} ({count:,} waiting, step removed) →", combo)
        self.fallback = self._step_combo(rest=False)
        if gone or plan.diff.removed:
            # also catches contacts who reach a removed step while this dialog is open
            form.addRow("Everyone else whose step is gone →", self.fallback)
        else:
            self.fallback.hide()
        box.addLayout(form)
        self._body.addWidget(self._move_box)
        self._move_box.setEnabled(False)
        self.move_button.toggled.connect(self._move_box.setEnabled)

    def _step_combo(self, rest: bool) -> QComboBox:
        combo = QComboBox()
        # publish() maps steps to steps; leaving is what the rule for the rest can say
        combo.addItem("Follow the rule below" if rest else "Leave the journey",
                      REST if rest else LEAVE)
        for node_id, label in self.plan.new_steps:
            combo.addItem(f"Go to “{label}”", node_id)
        return combo

    # ---- the choice ------------------------------------------------------------------------

    def _canary_toggled(self, canary: bool) -> None:
        """A canary takes new entrants only: contacts on their way stay where they are."""
        if self.move_button is not None:
            if canary:
                self.keep_button.setChecked(True)
            self.move_button.setEnabled(not canary)
        if self.publish_button is not None:
            self.publish_button.setText(f"Publish version {self.plan.number}"
                                        + (" as a canary" if canary else ""))

    def choice(self) -> PublishChoice:
        release = {}
        if self.release_options is not None:
            release = dict(canary_percent=self.release_options.canary_percent(),
                           entry_guard=self.release_options.entry_guard())
        if self.move_button is None or not self.move_button.isChecked():
            return PublishChoice(**release)
        move = {old: combo.currentData() for old, combo in self._gone.items()
                if combo.currentData() is not REST}
        return PublishChoice(move=move, fallback=self.fallback.currentData() or None, **release)

    def _publish(self) -> None:
        self.publish_requested.emit(self.choice())

    def set_busy(self, text: str = "Publishing…") -> None:
        self.message.setText(text)
        self.message.show()
        self.progress.show()
        self.buttons.setEnabled(False)

    def finish_failed(self, reason: str) -> None:
        self.progress.hide()
        self.message.setText(f"Not published: {reason}")
        self.message.setProperty("tone", "danger")
        self.message.show()
        self.buttons.setEnabled(True)
