"""Long work off the GUI thread: `Task(work)` runs it in a worker thread, reports as Qt signals.

Contract:
- `Task(work, parent=None)`; `start()` runs `work(progress, cancelled)` in a daemon thread.
  `work` calls `progress(fraction)` (0..1) as it goes and may poll `cancelled()`; it
  returns a result or raises.
- The worker thread never touches a Qt object: it only puts messages into a thread-safe
  queue. A timer on the GUI thread drains it every `POLL_MS` while the task runs and emits
  `progressed(float)` (the latest fraction only), then exactly one of `succeeded(result)`,
  `failed(reason)` or `cancelled()` (the work raised after `cancel()` was asked), and
  finally `finished()`. So every slot runs on the GUI thread.
- `reason` is the error's own message for engine errors (they are written for people),
  else "<ExceptionType>: message", and the traceback goes to the log.
- `SerialRead`: one `Task` at a time for a view that refreshes often; a refresh asked
  while one runs becomes one more read after it (see its docstring).
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from engine.errors import TrellisError

log = logging.getLogger("trellis.app")
POLL_MS = 40

Work = Callable[[Callable[[float], None], Callable[[], bool]], Any]


def describe_error(error: BaseException) -> str:
    if isinstance(error, (TrellisError, LookupError, ValueError)):
        return str(error)
    return f"{type(error).__name__}: {error}"


class Task(QObject):
    progressed = Signal(float)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, work: Work, parent: QObject | None = None, *, name: str = "trellis-task"):
        super().__init__(parent)
        self._work = work
        self._name = name
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._running = False
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._drain)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a Task runs once; make a new one")
        self._running = True
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._timer.start()
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def is_running(self) -> bool:
        return self._running

    def _run(self) -> None:  # worker thread: the queue only
        try:
            result = self._work(lambda f: self._inbox.put(("progress", f)), self._cancel.is_set)
        except BaseException as error:  # noqa: BLE001 — every outcome goes back to the GUI
            if self._cancel.is_set():
                self._inbox.put(("cancelled", None))
            else:
                if not isinstance(error, (TrellisError, LookupError, ValueError)):
                    log.exception("background task %s failed", self._name)
                self._inbox.put(("failed", describe_error(error)))
        else:
            self._inbox.put(("done", result))

    def _drain(self) -> None:
        fraction, outcome = None, None
        while outcome is None:
            try:
                kind, value = self._inbox.get_nowait()
            except queue.Empty:
                break
            if kind == "progress":
                fraction = value
            else:
                outcome = (kind, value)
        if fraction is not None:
            self.progressed.emit(float(fraction))
        if outcome is None:
            return
        self._timer.stop()
        self._running = False
        kind, value = outcome
        if kind == "done":
            self.succeeded.emit(value)
        elif kind == "failed":
            self.failed.emit(value)
        else:
            self.cancelled.emit()
        self.finished.emit()


class SerialRead(QObject):
    """Reads off the GUI thread, one at a time, for a view that refreshes often.

    `SerialRead(parent, name, answer, again=None)`: `run(work)` starts `work(progress,
    cancelled)` as a `Task` whose result goes to `answer(result)`, unless a read is already
    running: then the request is remembered and, when the running read is done,
    `again()` is called once (the owner asks anew with what is current then: never a
    queue of stale questions). Without `again`, a request while reading is dropped.
    `is_reading()` says whether a read runs. A failed read is logged by `Task` and shows
    nothing: the next refresh tries again.
    """

    def __init__(self, parent: QObject, name: str, answer: Callable[[Any], None],
                 again: Callable[[], None] | None = None):
        super().__init__(parent)
        self._name, self._answer, self._again = name, answer, again
        self._task: Task | None = None
        self._asked_again = False

    def is_reading(self) -> bool:
        return self._task is not None

    def run(self, work: Work) -> bool:
        """Start `work`; False when a read already runs (then `again` follows it)."""
        if self._task is not None:
            self._asked_again = self._again is not None
            return False
        self._task = Task(work, self, name=self._name)
        self._task.succeeded.connect(self._answer)
        self._task.finished.connect(self._finished)
        self._task.start()
        return True

    def _finished(self) -> None:
        self._task.deleteLater()
        self._task = None
        if self._asked_again:
            self._asked_again = False
            self._again()
