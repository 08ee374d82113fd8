"""One slow call (a network test) off the GUI thread, its answer back on the GUI thread.

Contract: `BackgroundCall(work, parent)`; `start()` runs `work()` in a daemon thread; a
GUI-thread timer then emits exactly one of `succeeded(result)` or `failed(reason)` (the
error's own message: engine errors are written for people). The thread never touches a
Qt object. Widgets use it for "Test connection"-like buttons (widgets never import app/,
whose Task does the same for long jobs with progress).
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal

POLL_MS = 40


class BackgroundCall(QObject):
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None):
        super().__init__(parent)
        self._work = work
        self._answer: queue.SimpleQueue = queue.SimpleQueue()
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.running = False

    def start(self) -> None:
        self.running = True
        threading.Thread(target=self._run, name="trellis-widget-call", daemon=True).start()
        self._timer.start()

    def _run(self) -> None:
        try:
            self._answer.put((True, self._work()))
        except Exception as error:  # noqa: BLE001 — shown to the user, in words
            self._answer.put((False, str(error) or type(error).__name__))

    def _poll(self) -> None:
        try:
            ok, value = self._answer.get_nowait()
        except queue.Empty:
            return
        self._timer.stop()
        self.running = False
        (self.succeeded if ok else self.failed).emit(value)
