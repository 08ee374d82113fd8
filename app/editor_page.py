"""The journey editor page: the canvas (`JourneyEditor`) under a header with the journey's
state and verbs, the live counts, and the walk-through beside it.

Contract:
- `EditorPage(database, host, settings=None)`; `open(document, journey_id)` shows an
  `app.journey_document.JourneyDocument` whose draft is the journey `journey_id` in the
  database (the app stores new and imported journeys before opening them). One journey
  at a time: `close()` asks about unsaved changes first and returns False when the
  marketer cancels.
- `save()` (the editor's Ctrl+S, File ▸ Save) stores the draft in the database and, for a
  journey opened from a file, writes the file too; it returns False when it could not
  (the reason is shown). `dirty()` covers canvas edits and email edits.
- Publish, Pause/Resume and Walk through run off the GUI thread (`app.background.Task`)
  with the header's buttons disabled meanwhile; publishing saves first, reads the plan
  (what will happen, `app.publishing.publish_plan`) in the background, then opens the
  publish dialog (`publish_dialog`). The header's Test menu (enter a test contact, send a
  test event) is `app.trial_tools.TrialTools` (`trial`). Email edits (the header's email menu, or a double-click on a step
  that sends one) open the email editor, whose edits go into the journey as undoable
  edits (`JourneyDocument.set_template`, one undo step per field typed in); "New email"
  is one too. `dirty()` is the document's.
- While the journey is live or paused, the counts per step (`node_counts`) are read in
  the background on open and after engine ticks (at most every `LIVE_REFRESH_MS`) and
  shown on the canvas's cards (`live_counts()` is the last result), with the journey's
  spike warnings (engine.analytics.spikes) in the header; the A/B tests' live results and
  a guardrail pause follow them (`experiments`, app/experiment_controls.py; a newly
  called winner is said in the status bar).
- The header's Results button emits `results_requested(journey_id)`; the canvas's
  Results toggle shows each step's figures on its card (`canvas_results`,
  app/canvas_results.py), also for the journeys opened after it.
- The walk-through panel sits beside the canvas; the path of its last run is highlighted
  on the canvas while the panel is open (cleared when the journey's steps or links
  change: the run no longer describes it), and clicking a row of its timeline selects and
  centres that step. Opening the panel folds the palette and the inspector away (the
  canvas needs the room; closing it brings them back as they were). The editor's side
  panels are remembered in `settings` (QSettings) when given.
- Signals: `waiting_contacts_requested(journey_id, node_id, label)` when a step's
  "N waiting" is clicked, `contact_profile_requested(contact_id)` from the walk-through,
  `journeys_changed()` after anything that changes the journeys list,
  `back_requested()`, `status_message(str)` for the status bar, `file_saved(path)`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QSplitter, QVBoxLayout, QWidget

from app.background import Task
from app.canvas_results import CanvasResults
from app.email_session import edit_journey_email
from app.engine_host import EngineHost
from app.experiment_controls import ExperimentControls
from app.journey_document import JourneyDocument
from app.publishing import pause_work, publish_plan, publish_work, resume_work
from app.release_controls import ReleaseControls
from app.trial_tools import TrialTools
from app.walkthrough_runner import WalkthroughRunner
from engine.analytics.live_counts import node_counts
from engine.analytics.spikes import spike_warnings
from engine.db.database import Database
from engine.db.models import JourneyStatus
from engine.journey.data import EmailTemplate
from engine.journey.drafts import JourneyInfo, journey_info, store_draft
from engine.templating.display import in_words
from widgets.canvas.editor_widget import JourneyEditor
from widgets.editor_header import EditorHeader
from widgets.publish_dialog import PublishDialog

LIVE_REFRESH_MS = 3000
PANELS_KEY = "editor/panels"  # "palette,inspector" shown, as 0/1
NEW_EMAIL_BODY = "Hi {{ contact.first_name | default('there') }},\n\n"


class EditorPage(QWidget):
    journeys_changed = Signal()
    back_requested = Signal()
    status_message = Signal(str)
    file_saved = Signal(str)
    waiting_contacts_requested = Signal(int, str, str)  # journey id, step id, a label
    contact_profile_requested = Signal(int)
    results_requested = Signal(int)  # journey id

    def __init__(self, database: Database, host: EngineHost, settings: QSettings | None = None,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("editorPage")
        self.database, self.host, self._settings = database, host, settings
        self.document: JourneyDocument | None = None
        self.editor: JourneyEditor | None = None
        self.journey_id: int | None = None
        self.info: JourneyInfo | None = None
        self._live: dict[str, tuple[int, int]] = {}
        self._path_current = False  # the walk-through's path still describes the journey
        self._panels_before_walk: tuple[bool, bool] | None = None
        self._email_dialogs: list = []
        self._live_task: Task | None = None
        self.publish_dialog: PublishDialog | None = None

        self.header = EditorHeader()
        self.header.back_requested.connect(self.back_requested)
        self.header.results_requested.connect(
            lambda: self.journey_id is not None and self.results_requested.emit(self.journey_id))
        self.header.publish_requested.connect(self.publish)
        self.header.pause_requested.connect(lambda: self._run_verb(pause_work, "Paused"))
        self.header.resume_requested.connect(lambda: self._run_verb(resume_work, "Resumed"))
        self.header.email_requested.connect(self.edit_email)
        self.header.new_email_requested.connect(self.new_email)
        # the header's Test menu: app/trial_tools.py does the work
        self.trial = TrialTools(self, database, host)
        self.header.test_contact_requested.connect(
            lambda: self.trial.enter_test_contact(self.journey_id, on_done=self.refresh))
        self.header.test_event_requested.connect(
            lambda: self.trial.send_test_event(on_done=self.refresh,
                                               event_name=self._trigger_event()))
        # the header's canary and entry-guard line: app/release_controls.py
        self.release = ReleaseControls(self)
        # the canvas's Results overlay: app/canvas_results.py reads, the canvas shows
        self.canvas_results = CanvasResults(self, database)
        # A/B test results in the inspector and on the cards, a guardrail pause in the header
        self.experiments = ExperimentControls(self)
        self.experiments.winner_said.connect(self.status_message)
        self.walkthrough = WalkthroughRunner(database, self)
        self.walkthrough.panel.step_clicked.connect(self._select_step)
        self.walkthrough.panel.profile_requested.connect(self.contact_profile_requested)
        self.walkthrough.path_changed.connect(self._walked)
        self.header.walkthrough_toggled.connect(self._toggle_walkthrough)

        self.side = self.walkthrough.panel
        self.side.setObjectName("editorSide")
        self.side.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.body = QSplitter(Qt.Orientation.Horizontal)
        self.body.setChildrenCollapsible(False)
        # The editor of the open journey lives in this slot, which the splitter keeps for
        # the page's whole life: swapping splitter children in and out lost the place of
        # the editor (a freed placeholder) and left every later journey blank.
        self.editor_slot = QWidget(objectName="editorSlot")
        self._slot_layout = QVBoxLayout(self.editor_slot)
        self._slot_layout.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.editor_slot)
        self.body.addWidget(self.side)
        self.body.setStretchFactor(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.body, 1)

        self._live_timer = QTimer(self, singleShot=True, interval=LIVE_REFRESH_MS)
        self._live_timer.timeout.connect(self._refresh_live)
        host.ticked.connect(self._ticked)
        self._show_side()

    # ---- the journey ---------------------------------------------------------------------

    def open(self, document: JourneyDocument, journey_id: int) -> None:
        if self.document is not None:
            self._drop_document()
        self.document, self.journey_id = document, journey_id
        self._live, self._path_current = {}, False
        self.editor = JourneyEditor(document)
        self.editor.save_requested.connect(self.save)
        self.editor.node_double_clicked.connect(self._node_double_clicked)
        self.editor.waiting_clicked.connect(self._waiting_clicked)
        self._restore_panels()
        self.editor.panels_changed.connect(self._panels_changed)
        if self.header.walkthrough.isChecked():  # still open: it keeps the room it had
            self._panels_before_walk = (self.editor.palette_toggle.isChecked(),
                                        self.editor.inspector_toggle.isChecked())
            self._auto_panels(False, False)
        self._slot_layout.addWidget(self.editor)
        self.body.setSizes([1000, 340])
        document.dirty_changed.connect(lambda _dirty: self._show_saved())
        bridge = document.bridge
        bridge.templates_changed.connect(self._show_emails)
        bridge.renamed.connect(self._show_name)
        for fact in (bridge.node_added, bridge.node_removed, bridge.edge_added,
                     bridge.edge_removed, bridge.config_changed, bridge.reset):
            fact.connect(self._path_outdated)
        self.walkthrough.set_document(document)
        self.canvas_results.attach(self.editor, journey_id)
        self.refresh()
        self._show_emails()
        self._show_saved()

    def _trigger_event(self) -> str | None:
        """The event that starts this journey, if its trigger is an event (the test event
        dialog offers it first)."""
        if self.document is None:
            return None
        journey = self.document.journey
        for node_id in journey.node_ids():
            if journey.spec(node_id).is_trigger:
                event = getattr(journey.config(node_id), "event", "")
                if isinstance(event, str) and event:
                    return event
        return None

    def _drop_document(self) -> None:
        self._live_timer.stop()
        for dialog in self._open_email_dialogs():
            dialog.close()  # hands its last keystrokes to the journey, then goes
        self.walkthrough.set_document(None)
        self.canvas_results.detach()
        self._slot_layout.removeWidget(self.editor)
        self.editor.hide()
        self.editor.deleteLater()  # still the slot's child until Qt deletes it
        self.document.close()
        self.document = self.editor = self.journey_id = self.info = None
        self.release.clear()
        self.header.set_warnings([])
        self.experiments.clear()

    def refresh(self) -> None:
        """Re-read the journey's state (status, version, contacts) from the database."""
        if self.journey_id is None:
            return
        with self.database.session() as session:
            self.info = journey_info(session, self.journey_id)
        name = self.document.journey.name if self.document else self.info.name
        self.header.set_journey(name, self.info.status, self.info.live_version,
                                self.info.active_contacts)
        self.release.refresh()
        self.experiments.refresh()
        self._show_side()
        if self.is_live():
            self._refresh_live()
        elif self._live:
            self._show_live({})

    def _show_name(self) -> None:
        if self.document is not None:
            self.header.name.setText(self.document.journey.name)

    def is_live(self) -> bool:
        return self.info is not None and self.info.status in (JourneyStatus.LIVE,
                                                              JourneyStatus.PAUSED)

    def dirty(self) -> bool:
        return self.document is not None and self.document.dirty

    def _show_saved(self) -> None:
        if self.document is not None:
            where = f"database and {self.document.path.name}" if self.document.path else ""
            self.header.set_saved(not self.dirty(), where)

    def _show_emails(self) -> None:
        templates = self.document.journey.templates.values() if self.document else ()
        # the subject in words: «first name», never template code or a block email's chip
        self.header.set_emails([(t.key, t.name, in_words(t.subject) or "(no subject yet)")
                                for t in templates])

    # ---- saving and closing ----------------------------------------------------------------

    def save(self) -> bool:
        if self.document is None:
            return False
        self._flush_emails()
        data = self.document.journey.to_document()
        try:
            with self.database.session() as session:
                self.journey_id = store_draft(session, data, datetime.now(timezone.utc),
                                              self.journey_id)
            if self.document.path is not None:
                path = self.document.save()
                self.file_saved.emit(str(path))
            else:
                self.document.undo_stack.setClean()
        except (ValueError, OSError) as error:
            QMessageBox.warning(self, "Not saved", f"The journey was not saved:\n\n{error}")
            return False
        self._show_saved()
        self.refresh()
        self.journeys_changed.emit()
        self.status_message.emit(f"Saved “{data.name}”")
        return True

    def close(self) -> bool:
        """Close the journey; False when the marketer chose to keep it open."""
        if self.document is None:
            return True
        self._flush_emails()
        if self.dirty():
            answer = QMessageBox.question(
                self, "Unsaved changes",
                f"Save the changes to “{self.document.journey.name}” before closing it?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel:
                return False
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return False
        self._drop_document()
        return True

    # ---- publish, pause, resume --------------------------------------------------------------

    def publish(self) -> None:
        self._flush_emails()
        if self.document is None or (self.dirty() and not self.save()):
            return
        self.publish_dialog = None
        journey_id, draft = self.journey_id, self.document.journey.to_document()
        problems = self.document.problems()
        # the plan counts who can enter (a segment over every contact): off the GUI thread
        task = self._start(lambda _progress, _cancelled: publish_plan(
            self.database, journey_id, draft, problems))
        task.succeeded.connect(self._show_publish_dialog)
        task.failed.connect(lambda reason: QMessageBox.warning(self, "Cannot publish", reason))

    def _show_publish_dialog(self, plan) -> None:
        dialog = PublishDialog(plan, self)
        dialog.publish_requested.connect(lambda choice: self._publish(dialog, choice))
        dialog.open()
        self.publish_dialog = dialog

    def _publish(self, dialog: PublishDialog, choice) -> None:
        dialog.set_busy("Publishing…" if choice.move is None
                        else "Publishing and moving contacts to the new version…")
        task = self._start(publish_work(self.host.engine, self.journey_id, choice))
        task.succeeded.connect(lambda number: self._published(dialog, number, choice))
        task.failed.connect(dialog.finish_failed)

    def _published(self, dialog: PublishDialog, number: int, choice) -> None:
        dialog.accept()
        self.host.wake()
        self.refresh()
        self.journeys_changed.emit()
        share = (f" for {choice.canary_percent} % of new entrants"
                 if choice.canary_percent else "")
        self.status_message.emit(f"Version {number} of “{self.info.name}” is live{share}")

    def _run_verb(self, make_work, done: str) -> None:
        if self.journey_id is None:
            return
        task = self._start(make_work(self.host.engine, self.journey_id))
        task.succeeded.connect(lambda _result: self._verb_done(done))
        task.failed.connect(lambda reason: QMessageBox.warning(self, "Not done", reason))

    def _verb_done(self, done: str) -> None:
        self.host.wake()
        self.refresh()
        self.journeys_changed.emit()
        self.status_message.emit(f"{done} “{self.info.name}”")

    def _start(self, work) -> Task:
        self.header.set_busy(True)
        task = Task(work, self, name="trellis-journey-verb")
        task.finished.connect(lambda: self.header.set_busy(False))
        task.finished.connect(task.deleteLater)
        task.start()
        return task

    # ---- live counts ---------------------------------------------------------------------------

    def _ticked(self, _report) -> None:
        if self.is_live() and not self._live_timer.isActive():
            self._live_timer.start()  # throttled: at most one read per interval

    def _refresh_live(self) -> None:
        self.canvas_results.refresh()  # the overlay's figures move with the live counts
        if not self.is_live() or self._live_task is not None:
            return
        journey_id = self.journey_id

        def work(_progress, _cancelled):
            with self.database.session() as session:
                spikes = spike_warnings(session, [journey_id]).get(journey_id, [])
                return (node_counts(session, journey_id), journey_info(session, journey_id),
                        [spike.words() for spike in spikes])

        self._live_task = Task(work, self, name="trellis-live-counts")
        self._live_task.succeeded.connect(self._show_live_and_info)
        self._live_task.finished.connect(self._live_done)
        self._live_task.start()

    def _live_done(self) -> None:
        self._live_task.deleteLater()
        self._live_task = None

    def _show_live_and_info(self, result) -> None:
        counts, info, warnings = result
        if self.journey_id == info.id and self.info is not None:
            self.header.set_warnings(warnings)
            # the header's "N contacts in it now" moves with the cards
            self.info = info
            name = self.document.journey.name if self.document else info.name
            self.header.set_journey(name, info.status, info.live_version, info.active_contacts)
            self.release.refresh()  # the canary's figures move with the cards
            self.experiments.refresh()
        self._show_live(counts)

    def _show_live(self, counts: dict[str, tuple[int, int]]) -> None:
        # a read that finished after the journey stopped being live shows nothing
        self._live = dict(counts) if self.is_live() else {}
        if self.editor is not None:
            self.editor.set_live_counts(self._live)

    def live_counts(self) -> dict[str, tuple[int, int]]:
        return dict(self._live)

    def is_reading_live(self) -> bool:
        """A read of the live counts or the release line is under way (the screenshot
        waits for it)."""
        return (self._live_task is not None or self.release.is_reading()
                or self.experiments.is_reading())

    # ---- the walk-through and the side panels ---------------------------------------------------

    def _toggle_walkthrough(self, open_: bool) -> None:
        if self.editor is not None:
            if open_:  # the walk-through takes the room of the palette and inspector
                self._panels_before_walk = (self.editor.palette_toggle.isChecked(),
                                            self.editor.inspector_toggle.isChecked())
                self._auto_panels(False, False)
            elif self._panels_before_walk is not None:
                self._auto_panels(*self._panels_before_walk)
                self._panels_before_walk = None
        self._show_side()
        self._show_path()
        if self.editor is not None:  # the canvas changed size: show the journey again
            QTimer.singleShot(0, self._reframe)

    def _reframe(self) -> None:
        if self.editor is not None:
            path = self.walkthrough.last_path() if self._path_current else []
            self.editor.view.fit_readable(path or None)

    def _show_side(self) -> None:
        self.side.setVisible(self.header.walkthrough.isChecked())

    def _walked(self, path: list) -> None:
        self._path_current = bool(path)
        self._show_path(frame=True)

    def _show_path(self, frame: bool = False) -> None:
        if self.editor is None:
            return
        shown = self.header.walkthrough.isChecked() and self._path_current
        self.editor.highlight_path(self.walkthrough.last_path() if shown else [], frame)

    def _path_outdated(self, *_args) -> None:
        if self._path_current:
            self._path_current = False
            self._show_path()
            self.walkthrough.panel.mark_outdated()

    def _select_step(self, node_id: str) -> None:
        if self.editor is not None and self.document.journey.has_node(node_id):
            self.editor.select_node(node_id)

    def _auto_panels(self, palette: bool, inspector: bool) -> None:
        """Fold or unfold the side panels for the walk-through without remembering it."""
        self.editor.panels_changed.disconnect(self._panels_changed)
        try:
            self.editor.show_palette(palette)
            self.editor.show_inspector(inspector)
        finally:
            self.editor.panels_changed.connect(self._panels_changed)

    def _restore_panels(self) -> None:
        if self._settings is None:
            return
        stored = str(self._settings.value(PANELS_KEY, "1,1")).split(",")
        palette, inspector = (part.strip() != "0" for part in (stored + ["1", "1"])[:2])
        self.editor.show_palette(palette)
        self.editor.show_inspector(inspector)

    def _panels_changed(self, palette: bool, inspector: bool) -> None:
        if self._settings is not None:
            self._settings.setValue(PANELS_KEY, f"{int(palette)},{int(inspector)}")
        if self.header.walkthrough.isChecked():
            self._panels_before_walk = None  # the marketer chose: keep it after the walk

    # ---- emails ----------------------------------------------------------------------------------

    def _node_double_clicked(self, node_id: str) -> None:
        journey = self.document.journey
        email = journey.spec(node_id).email
        if email is not None:
            key = email.template(journey.config(node_id))
            if key in journey.templates:
                self.edit_email(key)

    def _waiting_clicked(self, node_id: str) -> None:
        journey = self.document.journey
        title = journey.node(node_id).get("title") or node_id
        self.waiting_contacts_requested.emit(self.journey_id, node_id, f"Waiting at “{title}”")

    def edit_email(self, key: str):
        """Open the email `key` of the journey in the email editor (edits go into it)."""
        for dialog in self._open_email_dialogs():
            if dialog.session.journey is self.document and dialog.session.key == key:
                dialog.raise_()
                dialog.activateWindow()
                return dialog
        dialog = edit_journey_email(self, self.database, self.document, key, self.host.public_url)
        self._email_dialogs.append(dialog)
        return dialog

    def _flush_emails(self) -> None:
        """Keystrokes still in an email editor's typing pause go into the journey now."""
        for dialog in self._open_email_dialogs():
            dialog.editor.flush()

    def _open_email_dialogs(self) -> list:
        alive = []
        for dialog in self._email_dialogs:
            try:
                if dialog.isVisible():
                    alive.append(dialog)
            except RuntimeError:  # deleted when it was closed
                pass
        self._email_dialogs = alive
        return list(alive)

    def new_email(self) -> None:
        journey = self.document.journey
        number = len(journey.templates) + 1
        while f"email-{number}" in journey.templates:
            number += 1
        template = EmailTemplate(key=f"email-{number}", name=f"Email {number}", subject="",
                                 body=NEW_EMAIL_BODY)
        reason = self.document.set_template(template)
        if reason:
            self.status_message.emit(f"No email added: {reason}")
            return
        self.edit_email(template.key)
        self.status_message.emit(f"“{template.name}” added: choose it in a Send email step")
