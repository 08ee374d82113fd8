"""The sending rate limit, shared by all of a worker's connections.

Contract: `Pacer(rate)` hands out evenly spaced slots, `rate` per second over all threads
that call `wait(stop)`; `wait` blocks until the caller's slot and returns False at once
when `stop` is set (shutdown never waits for a slot). `Pacer(None)` never waits. Slots
are measured on a monotonic clock (injected, for tests): a rate limit is about real
seconds on the wire, not the engine's clock, and an idle pacer does not save up a burst.
"""

from __future__ import annotations

import threading
import time
from typing import Callable


class Pacer:
    def __init__(self, rate: float | None, *, monotonic: Callable[[], float] = time.monotonic):
        if rate is not None and rate <= 0:
            raise ValueError("the rate must be positive (messages per second)")
        self.interval = 1.0 / rate if rate else 0.0
        self._monotonic = monotonic
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, stop: threading.Event) -> bool:
        if not self.interval:
            return not stop.is_set()
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        delay = slot - now
        if delay > 0:
            return not stop.wait(delay)
        return not stop.is_set()
