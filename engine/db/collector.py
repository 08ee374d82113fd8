"""The cycle collector paused around the engine's bulk work.

Contract: `with paused_gc(): ...` runs its body with Python's cycle collector off and
turns it back on when the last body still inside ends (the pause is counted, so nested
and concurrent bodies on several threads end it once, after the last); a collector
already off before the first stays off.

Why: a batch of steps, of event matching or of intake makes tens of thousands of young
objects that reference counting frees (they hold no cycles), and the collector's passes
over them, and now and then over every live object, cost a fifth of an email's time in
the engine process, 14% of matching a batch of sign-ups and 22% of recording them
(tests/benchmarks/engine.py's welcome series). The few cycles made meanwhile (a few
hundred objects a batch) are collected after the pause.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_inside = 0
_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    global _inside, _was_enabled
    with _lock:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _was_enabled:
                gc.enable()
