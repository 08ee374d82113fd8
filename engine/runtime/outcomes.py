"""What a node executor returns: where the enrollment goes next.

- `Go(port)`: follow `port` now (logging `kind` first when given, with `reason` when the
  path was not the step's own choice, e.g. "winner" of an A/B test).
- `Park(until)`: a delay or wait is in progress; come back at `until` (None: only an event
  wakes it) and resume through the node's `resume` logic.
- `Hold(until, reason)`: a guard holds this step (quiet hours, frequency cap, catch-up);
  run the same step again at `until`.
- `Skip(reason)`: a guard skips this step; the journey continues through `next`.
- `End(status, reason)`: the enrollment leaves the journey.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Go:
    port: str
    kind: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True)
class Park:
    until: datetime | None
    wait_event: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Hold:
    until: datetime
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Skip:
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class End:
    status: str
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


Outcome = Go | Park | Hold | Skip | End
