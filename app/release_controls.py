"""The editor's release controls: the header's canary and entry-guard line, and its verbs.

Contract:
- `ReleaseControls(page)` takes the `EditorPage`; it fills `page.header.release` (a
  `widgets.release_bar.ReleaseBar`) from `engine.runtime.release.release_state`, read off
  the GUI thread (`refresh()`, called by the page whenever it re-reads the journey and
  after engine ticks; one read at a time).
- Promote and Roll back open a `CanaryEndDialog` (`end_dialog`; finish on their version or
  move), then run `Engine.promote` / `Engine.rollback_canary(reason="manual")` in a
  `Task`; Widen to everyone runs `Engine.set_entry_guard(journey, None)`. When done the
  engine host is woken, the page refreshes and says what happened in the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from app.background import SerialRead, Task
from engine.runtime.release import ReleaseState, release_state
from widgets.canary_end_dialog import PROMOTE, ROLLBACK, CanaryEndDialog


class ReleaseControls(QObject):
    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self.bar = page.header.release
        self.state: ReleaseState | None = None
        self.end_dialog: CanaryEndDialog | None = None
        self._reading = SerialRead(self, "trellis-release-state", self._show, again=self.refresh)
        self.bar.promote_requested.connect(lambda: self._ask(PROMOTE))
        self.bar.rollback_requested.connect(lambda: self._ask(ROLLBACK))
        self.bar.widen_requested.connect(self.widen)

    # ---- reading -------------------------------------------------------------------------

    def clear(self) -> None:
        self.state = None
        self.bar.set_state(None)

    def refresh(self) -> None:
        journey_id = self.page.journey_id
        if journey_id is None:
            self.clear()
            return
        database = self.page.database

        def work(_progress, _cancelled):
            with database.session() as session:
                return journey_id, release_state(session, journey_id)

        self._reading.run(work)

    def _show(self, result) -> None:
        journey_id, state = result
        if journey_id == self.page.journey_id:
            self.state = state
            self.bar.set_state(state)

    def is_reading(self) -> bool:
        return self._reading.is_reading()

    # ---- verbs -----------------------------------------------------------------------------

    def _ask(self, verb: str) -> None:
        if self.state is None or not self.state.canary_running:
            return
        dialog = CanaryEndDialog(verb, self.state.canary_version, self.state.live_version,
                                 self.page)
        dialog.chosen.connect(lambda move: self._end(dialog, verb, move))
        dialog.open()
        self.end_dialog = dialog

    def _end(self, dialog: CanaryEndDialog, verb: str, move: bool) -> None:
        engine, journey_id = self.page.host.engine, str(self.page.journey_id)
        mapping = {} if move else None

        def work(_progress, _cancelled) -> int:
            if verb == PROMOTE:
                return engine.promote(journey_id, move=mapping)
            return engine.rollback_canary(journey_id, "manual", move=mapping)

        dialog.set_busy()
        task = self._run(work)
        task.succeeded.connect(lambda number: self._ended(dialog, verb, number))
        task.failed.connect(dialog.finish_failed)

    def _ended(self, dialog: CanaryEndDialog, verb: str, number: int) -> None:
        dialog.accept()
        name = self.page.info.name if self.page.info else ""
        self._done(f"Version {number} of “{name}” is live for every new entrant"
                   if verb == PROMOTE else f"Canary version {number} of “{name}” rolled back")

    def widen(self) -> None:
        if self.page.journey_id is None:
            return
        engine, journey_id = self.page.host.engine, str(self.page.journey_id)
        task = self._run(lambda _p, _c: engine.set_entry_guard(journey_id, None))
        task.succeeded.connect(lambda _result: self._done(
            f"“{self.page.info.name if self.page.info else ''}” is open to everyone again"))
        task.failed.connect(lambda reason: QMessageBox.warning(self.page, "Not done", reason))

    def _run(self, work) -> Task:
        self.bar.set_busy(True)
        task = Task(work, self, name="trellis-release-verb")
        task.finished.connect(lambda: self.bar.set_busy(False))
        task.finished.connect(task.deleteLater)
        task.start()
        return task

    def _done(self, message: str) -> None:
        self.page.host.wake()
        self.page.refresh()
        self.page.journeys_changed.emit()
        self.page.status_message.emit(message)
