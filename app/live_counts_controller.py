"""The editor's live counts: how many contacts wait at and passed each step of a live or
paused journey, on the canvas's cards ("N waiting"), with the journey's spike warnings.

Contract:
- `LiveCountsController(page)` takes the `EditorPage` (its `database`, `journey_id`,
  `info`, `is_live()`, `editor`, `header`, `canvas_results`, `release`, `experiments`).
- `refresh()` (the page re-read the journey): reads the counts when the journey is live
  or paused, else clears the cards' counts. After engine ticks (`page.host.ticked`) it
  reads again, throttled to at most one read every `LIVE_REFRESH_MS`.
- A read runs off the GUI thread (`app.background.SerialRead`, one at a time):
  `engine.analytics.live_counts.node_counts`, the journey's info (`journey_info`) and
  its spike warnings (`engine.analytics.spikes`). Its result updates the header (status,
  "N contacts in it now", warnings), the release line and the A/B tests, then the
  cards; a read that finishes after the journey stopped being live (or was closed)
  shows no counts. Each read also refreshes the canvas's Results overlay.
- `counts()` is the last counts shown ({step id: (waiting, passed)}); `is_reading()`
  says whether a read is under way; `stop()` (the journey is closed) stops the throttle
  and forgets the counts.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from app.background import SerialRead
from engine.analytics.live_counts import node_counts
from engine.analytics.spikes import spike_warnings
from engine.journey.drafts import journey_info

LIVE_REFRESH_MS = 3000


class LiveCountsController(QObject):
    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self._counts: dict[str, tuple[int, int]] = {}
        # a read asked while one runs is dropped: the next tick asks again
        self._reading = SerialRead(self, "trellis-live-counts", self._read_done)
        self._timer = QTimer(self, singleShot=True, interval=LIVE_REFRESH_MS)
        self._timer.timeout.connect(self.read)
        page.host.ticked.connect(self._ticked)

    def counts(self) -> dict[str, tuple[int, int]]:
        return dict(self._counts)

    def is_reading(self) -> bool:
        return self._reading.is_reading()

    def stop(self) -> None:
        self._timer.stop()
        self._counts = {}

    def refresh(self) -> None:
        if self.page.is_live():
            self.read()
        elif self._counts:
            self._show({})

    def _ticked(self, _report) -> None:
        if self.page.is_live() and not self._timer.isActive():
            self._timer.start()  # throttled: at most one read per interval

    def read(self) -> None:
        self.page.canvas_results.refresh()  # the overlay's figures move with the live counts
        if not self.page.is_live():
            return
        database, journey_id = self.page.database, self.page.journey_id

        def work(_progress, _cancelled):
            with database.session() as session:
                spikes = spike_warnings(session, [journey_id]).get(journey_id, [])
                return (node_counts(session, journey_id), journey_info(session, journey_id),
                        [spike.words() for spike in spikes])

        self._reading.run(work)

    def _read_done(self, result) -> None:
        counts, info, warnings = result
        page = self.page
        if page.journey_id == info.id and page.info is not None:
            page.header.set_warnings(warnings)
            # the header's "N contacts in it now" moves with the cards
            page.show_info(info)
            page.release.refresh()  # the canary's figures move with the cards
            page.experiments.refresh()
        self._show(counts)

    def _show(self, counts: dict[str, tuple[int, int]]) -> None:
        # a read that finished after the journey stopped being live shows nothing
        self._counts = dict(counts) if self.page.is_live() else {}
        if self.page.editor is not None:
            self.page.editor.set_live_counts(self._counts)
