"""Delivery in the background: a thread that drains the outbox when woken or every interval.

Contract: `DeliveryService(worker, interval)`. `start()` starts the thread, whose first
drain recovers interrupted sends (worker.py); `wake()` asks for a drain now (the engine
runner's `on_tick` calls it when a tick queued email); `stop()` ends the drain in
progress after the message in hand (the rest of its batch is released to `queued`) and
joins the thread. When the server cannot be reached the wait between tries doubles up to
`MAX_BACKOFF` seconds, so a dead server is not hammered; a wake-up still tries at once.
`last_report` and `last_error` are there for status displays. A separate thread (not an
APScheduler job) because a drain must be interruptible at shutdown and wakeable at once.
"""

from __future__ import annotations

import logging
import threading

from engine.delivery.worker import DeliveryWorker, DrainReport

log = logging.getLogger("trellis.delivery")
MAX_BACKOFF = 60.0


class DeliveryService:
    def __init__(self, worker: DeliveryWorker, *, interval: float = 1.0):
        self.worker = worker
        self.interval = interval
        self.last_report: DrainReport | None = None
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="trellis-delivery", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float | None = 60) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        wait = self.interval
        while not self._stop.is_set():
            self._wake.clear()
            try:
                report = self.worker.drain(self._stop)
            except Exception as error:  # noqa: BLE001 — keep delivering; the next drain retries
                log.exception("delivery failed")
                report = DrainReport(error=f"{type(error).__name__}: {error}")
            self.last_report, self.last_error = report, report.error
            if report.error:
                log.warning("delivery: %s", report.error)
                wait = min(wait * 2, MAX_BACKOFF)
            else:
                wait = self.interval
                if report.handled:
                    log.info("delivery: %d sent, %d bounced, %d to retry, %d failed, %d uncertain",
                             report.sent, report.bounced, report.retried, report.failed,
                             report.uncertain)
            self._wake.wait(wait)
