"""The experiment keys of the journey format: what a test, a holdout and guardrails ask for.

Contract (pydantic models; a bad value is a validation problem that names its key):
- `SplitExperiment` — the `"experiment"` block of `flow.random_split`: `metric`
  "conversion" | "click" | "revenue", `min_per_variant` (50–1,000,000, default 500),
  `confidence` (0.8–0.999, default 0.95), `auto_winner` (default true).
- `EmailExperiment` — the same block on `action.send_email` with `variants`; its metric is
  "open" | "click" | "conversion".
- `Guardrails` — the journey setting `"guardrails"` (on by default): over the last
  `window` sends (at least `MIN_SENDS` before judging), the unsubscribe, complaint and bounce
  rates above which the journey pauses itself. Rates are fractions (0–1).
- `HoldoutSettings` — `"holdout_percent"` (0–50) and `"conversion_window"` (default 14
  days) of a journey's settings.
docs/experiments.md explains each key and the method behind the figures.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.nodes.common import Duration

#: a guardrail judges no journey on fewer sends than this
MIN_SENDS = 50


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class _Experiment(_Strict):
    min_per_variant: int = Field(500, ge=50, le=1_000_000, title="Contacts per variant")
    confidence: float = Field(0.95, ge=0.8, le=0.999, title="Confidence to call a winner")
    auto_winner: bool = Field(True, title="Send everyone after the winner's way")


class SplitExperiment(_Experiment):
    metric: Literal["conversion", "click", "revenue"] = Field("conversion", title="Measure")


class EmailExperiment(_Experiment):
    metric: Literal["open", "click", "conversion"] = Field("click", title="Measure")


class Guardrails(_Strict):
    enabled: bool = True
    window: int = Field(200, ge=MIN_SENDS, le=100_000, title="Judged over the last sends")
    unsubscribe_rate: float = Field(0.02, ge=0, le=1, title="Unsubscribe rate")
    complaint_rate: float = Field(0.003, ge=0, le=1, title="Spam complaint rate")
    bounce_rate: float = Field(0.05, ge=0, le=1, title="Bounce rate")


class HoldoutSettings(_Strict):
    holdout_percent: int = Field(0, ge=0, le=50, title="Held out (%)")
    conversion_window: Duration = Field(Duration(value=14, unit="days"),
                                        title="Conversion counted within")
