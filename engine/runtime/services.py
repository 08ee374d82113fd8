"""What executors need from outside the journey: email rendering and guard settings.

Contract: `EngineServices` turns a send-email step into an outbox row (rendered now, so
the outbox holds exactly what will be sent and the simulation can show it), a team alert
into an internal message row, and answers which quiet hours and frequency cap apply (the
simulate command overrides them). A template that fails to render for one contact gives
a `failed` message row carrying the reason; it never fails the batch. `render_workers`
counts the processes that render, the engine's own included: with N > 1 a pool of N − 1
worker processes (render_pool.py) renders beside the engine, which renders too while
they are full; the default of `main.py run` and the app is one per core (the engine and
a worker on each other core: a worker per core would leave the engine process sharing a
core with one, and measured slower); `close()` stops it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from engine.journey.compiled import CompiledJourney
from engine.journey.data import EmailTemplate, QuietHours
from engine.runtime import outbox
from engine.settings import AppSettings, FrequencyCap

#: "no override": use the settings
UNSET: Any = object()
#: the environment variable that sets the render workers of `main.py run` and the app
RENDER_WORKERS_ENV = "TRELLIS_RENDER_WORKERS"
MAX_RENDER_WORKERS = 64


def configured_render_workers() -> int:
    """$TRELLIS_RENDER_WORKERS, else one per core (the engine process counted among
    them); ValueError (naming the variable) if bad."""
    configured = os.environ.get(RENDER_WORKERS_ENV, "").strip()
    if not configured:
        return os.cpu_count() or 1
    if not configured.isdigit() or not 1 <= int(configured) <= MAX_RENDER_WORKERS:
        raise ValueError(f"{RENDER_WORKERS_ENV} must be a whole number from 1 to "
                         f"{MAX_RENDER_WORKERS}, not {configured!r}")
    return int(configured)


@dataclass
class EngineServices:
    #: the public base URL for links in emails (unsubscribe, tracking); None: tracking off,
    #: links as written and a mailto unsubscribe. Set only from engine.messaging.tracking's decision.
    public_url: str | None = None
    #: overrides (simulate)
    quiet_hours_override: Any = UNSET
    frequency_cap_override: Any = UNSET
    #: processes that render emails, the engine's own included: 1 renders in the engine
    #: process only (as the tests and the simulation do); N > 1 starts a
    #: render_pool.RenderPool of N - 1 workers at the first email
    render_workers: int = 1
    #: a pool to use instead of starting one (shared between engines, e.g. by tests)
    render_pool: Any = None
    _owns_pool: bool = field(default=False, init=False, repr=False)

    def pool(self):
        """The render pool, started on first use; None when rendering in-process."""
        if self.render_pool is None and self.render_workers > 1:
            from engine.runtime.render_pool import RenderPool

            self.render_pool = RenderPool(self.render_workers - 1).start()
            self._owns_pool = True
        return self.render_pool

    def close(self) -> None:
        """Stop the render pool, if this engine started one."""
        if self._owns_pool:
            self.render_pool.close()
            self.render_pool, self._owns_pool = None, False

    def quiet_hours(self, journey: CompiledJourney, settings: AppSettings) -> QuietHours | None:
        if self.quiet_hours_override is not UNSET:
            return self.quiet_hours_override
        return journey.settings.quiet_hours or settings.quiet_hours

    def frequency_cap(self, settings: AppSettings) -> FrequencyCap | None:
        if self.frequency_cap_override is not UNSET:
            return self.frequency_cap_override
        return settings.frequency_cap

    def compose_email(self, step, template: EmailTemplate, category: str) -> dict[str, Any]:
        return outbox.compose_email(step, template, category, public_url=self.public_url,
                             pool=self.pool())

    def compose_alert(self, step, config) -> dict[str, Any]:
        return outbox.compose_alert(step, config)
