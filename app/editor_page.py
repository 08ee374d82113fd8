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
  (the reason is shown). `dirty()` is the document's: canvas edits and email edits (the
  email editors' last keystrokes are handed over before saving, closing, publishing).
- Publish and Pause/Resume run off the GUI thread (`app.background.Task`) with the
  header's buttons disabled meanwhile; publishing saves first, reads the plan (what will
  happen, `app.publishing.publish_plan`) in the background, then opens the publish dialog
  (`publish_dialog`).
- The page wires controllers with one job each, over the page:
  `emails` (the header's email menu, the email editors, "New email";
  app/editor_emails.py), `trial` (the header's Test menu, app/trial_tools.py), `release`
  (the canary and entry guard line, app/release_controls.py), `canvas_results` (the
  canvas's Step figures toggle, app/canvas_results.py), `experiments` (A/B tests' live
  results, a guardrail pause, a newly called winner said in the status bar;
  app/experiment_controls.py), `live` (the cards' "N waiting" counts and spike warnings
  while the journey is live or paused, read in the background on open and after engine
  ticks; app/live_counts_controller.py) and `walkthrough` (the walk-through panel beside
  the canvas, its runs, the path they highlight, and the palette and inspector folding
  away for it, remembered in `settings`; app/walkthrough_controller.py).
  `show_info(info)` shows a journey state read from the database; `is_reading_live()`
  says whether a background read is under way.
- The header's Results button emits `results_requested(journey_id)`.
- Signals: `waiting_contacts_requested(journey_id, node_id, label)` when a step's
  "N waiting" is clicked, `contact_profile_requested(contact_id)` from the walk-through
  and the email editors' previews (their Profile button),
  `journeys_changed()` after anything that changes the journeys list,
  `back_requested()`, `status_message(str)` for the status bar, `file_saved(path)`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QSplitter, QVBoxLayout, QWidget

from app.background import Task
from app.canvas_results import CanvasResults
from app.editor_emails import EditorEmails
from app.engine_host import EngineHost
from app.experiment_controls import ExperimentControls
from app.journey_document import JourneyDocument
from app.live_counts_controller import LiveCountsController
from app.publishing import pause_work, publish_plan, publish_work, resume_work
from app.release_controls import ReleaseControls
from app.trial_tools import TrialTools
from app.walkthrough_controller import WalkthroughController
from engine.db.database import Database
from engine.db.models import JourneyStatus
from engine.journey.drafts import JourneyInfo, journey_info, store_draft
from widgets.canvas.editor_widget import JourneyEditor
from widgets.editor_header import EditorHeader
from widgets.publish_dialog import PublishDialog


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
        self.database, self.host = database, host
        self.document: JourneyDocument | None = None
        self.editor: JourneyEditor | None = None
        self.journey_id: int | None = None
        self.info: JourneyInfo | None = None
        self.publish_dialog: PublishDialog | None = None

        self.header = EditorHeader()
        self.header.back_requested.connect(self.back_requested)
        self.header.results_requested.connect(
            lambda: self.journey_id is not None and self.results_requested.emit(self.journey_id))
        self.header.publish_requested.connect(self.publish)
        self.header.pause_requested.connect(lambda: self._run_verb(pause_work, "Paused"))
        self.header.resume_requested.connect(lambda: self._run_verb(resume_work, "Resumed"))
        # the header's email menu and the email editors: app/editor_emails.py
        self.emails = EditorEmails(self)
        self.header.email_requested.connect(self.emails.edit)
        self.header.new_email_requested.connect(self.emails.new)
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
        # the walk-through panel, its runs and path: app/walkthrough_controller.py
        self.walkthrough = WalkthroughController(database, self.header, settings, self)
        self.walkthrough.panel.profile_requested.connect(self.contact_profile_requested)
        # the cards' "N waiting" while the journey is live: app/live_counts_controller.py
        self.live = LiveCountsController(self)

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
        self.walkthrough.show_side()

    # ---- the journey ---------------------------------------------------------------------

    def open(self, document: JourneyDocument, journey_id: int) -> None:
        if self.document is not None:
            self._drop_document()
        self.document, self.journey_id = document, journey_id
        self.editor = JourneyEditor(document)
        self.editor.save_requested.connect(self.save)
        self.editor.node_double_clicked.connect(self.emails.step_double_clicked)
        self.editor.waiting_clicked.connect(self._waiting_clicked)
        self.walkthrough.attach(self.editor)
        self._slot_layout.addWidget(self.editor)
        self.body.setSizes([1000, 340])
        document.dirty_changed.connect(lambda _dirty: self._show_saved())
        bridge = document.bridge
        bridge.templates_changed.connect(self.emails.show_menu)
        bridge.renamed.connect(self._show_name)
        self.walkthrough.set_document(document)
        self.canvas_results.attach(self.editor, journey_id)
        self.refresh()
        self.emails.show_menu()
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
        self.live.stop()
        self.emails.close_all()  # each hands its last keystrokes to the journey, then goes
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
        self.show_info(self.info)
        self.release.refresh()
        self.experiments.refresh()
        self.walkthrough.show_side()
        self.live.refresh()

    def show_info(self, info: JourneyInfo) -> None:
        """Show the journey's state as read from the database (`info`)."""
        self.info = info
        name = self.document.journey.name if self.document else info.name
        self.header.set_journey(name, info.status, info.live_version, info.active_contacts)

    def _show_name(self) -> None:
        if self.document is not None:
            self.header.name.setText(self.document.journey.name)

    def is_live(self) -> bool:
        return self.info is not None and self.info.status in (JourneyStatus.LIVE,
                                                              JourneyStatus.PAUSED)

    def is_reading_live(self) -> bool:
        """A read of the live counts or the release line is under way (the screenshot
        waits for it)."""
        return (self.live.is_reading() or self.release.is_reading()
                or self.experiments.is_reading())

    def dirty(self) -> bool:
        return self.document is not None and self.document.dirty

    def _show_saved(self) -> None:
        if self.document is not None:
            where = f"database and {self.document.path.name}" if self.document.path else ""
            self.header.set_saved(not self.dirty(), where)

    # ---- saving and closing ----------------------------------------------------------------

    def save(self) -> bool:
        if self.document is None:
            return False
        self.emails.flush()
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
        self.emails.flush()
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
        self.emails.flush()
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

    # ---- the canvas's requests -------------------------------------------------------------------

    def _waiting_clicked(self, node_id: str) -> None:
        journey = self.document.journey
        title = journey.node(node_id).get("title") or node_id
        self.waiting_contacts_requested.emit(self.journey_id, node_id, f"Waiting at “{title}”")
