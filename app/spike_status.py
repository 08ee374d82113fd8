"""Spike warnings in the status bar: "⚠ Welcome series: Unsubscribes are spiking…".

Contract: `SpikeStatus(window, database)` puts a label in the window's status bar (hidden
while no journey spikes) and `refresh()` re-reads engine.analytics.spikes for every
journey not archived, off the GUI thread (`app.background.Task`) — every `INTERVAL_MS`
— and whenever the journeys list is read (`show(rows)` takes the rows of
app.overview.journeys_page_rows, so the list and the bar never disagree). An answer
overtaken by a later `refresh()` or `show()` is dropped; `is_reading()` says one is on
its way. A click on the label opens the first such journey's Results. `text()` is what
it says.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from app.background import Task
from engine.db.database import Database
from engine.db.models import JourneyRow, JourneyStatus

log = logging.getLogger("trellis.app")
INTERVAL_MS = 60_000


class _Label(QLabel):
    def __init__(self, on_click):
        super().__init__(objectName="spikeStatus")
        self._on_click = on_click
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event) -> None:
        self._on_click()
        super().mouseReleaseEvent(event)


class SpikeStatus(QObject):
    def __init__(self, window, database: Database):
        super().__init__(window)
        self.window, self.database = window, database
        self.first: int | None = None
        self._asked = 0  # reads and shows: an answer to an earlier read is dropped
        self._task: Task | None = None
        self.label = _Label(self._open)
        self.label.setStyleSheet("color: #b45309; padding: 0 8px")
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def text(self) -> str:
        return self.label.text() if self.label.isVisible() or self.label.text() else ""

    def refresh(self) -> None:
        """Read the spike warnings again, off the GUI thread."""
        self._asked += 1
        asked, database = self._asked, self.database
        task = Task(lambda _progress, _cancelled: _read_spikes(database), self,
                    name="trellis-spike-status")
        task.succeeded.connect(lambda found: asked == self._asked and self._say(found))
        # a status line never stops the app: a failed read leaves the line as it was
        task.failed.connect(lambda reason: log.warning(
            "spike warnings could not be read: %s", reason))
        task.finished.connect(lambda: self._done(task))
        self._task = task
        task.start()

    def is_reading(self) -> bool:
        return self._task is not None

    def _done(self, task: Task) -> None:
        if self._task is task:
            self._task = None
        task.deleteLater()

    def show(self, rows) -> None:
        self._asked += 1  # newer than any read still on its way
        self._say([(r.id, r.name, list(r.warnings)) for r in rows
                   if r.warnings and r.status != JourneyStatus.ARCHIVED])

    def _say(self, found: list[tuple[int, str, list[str]]]) -> None:
        self.first = found[0][0] if found else None
        if not found:
            self.label.setText("")
            self.label.hide()
            return
        jid, name, words = found[0]
        more = f" (and {len(found) - 1} more journeys)" if len(found) > 1 else ""
        self.label.setText(f"⚠ {name}: {words[0]}{more}")
        self.label.setToolTip("\n".join(f"{n}: {w}" for _, n, ws in found for w in ws)
                              + "\nClick to see the results")
        self.label.show()

    def _open(self) -> None:
        if self.first is not None:
            self.window.show_results(self.first)


def _read_spikes(database: Database) -> list[tuple[int, str, list[str]]]:
    """(journey id, name, warnings in words) of each spiking journey not archived, by
    name. Runs on a worker thread: no Qt here."""
    from engine.analytics.spikes import spike_warnings

    with database.session() as session:
        names = dict(session.execute(select(JourneyRow.id, JourneyRow.name).where(
            JourneyRow.status != JourneyStatus.ARCHIVED)).all())
        spikes = spike_warnings(session, list(names))
    return [(jid, names[jid], [s.words() for s in found])
            for jid, found in sorted(spikes.items(), key=lambda kv: names[kv[0]])]
