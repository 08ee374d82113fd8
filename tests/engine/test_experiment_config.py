"""The experiment keys refuse bad values and say which key is wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from engine.experiments.config import (
    EmailExperiment,
    Guardrails,
    HoldoutSettings,
    SplitExperiment,
)


def problem(model, **values) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        model(**values)
    error = caught.value.errors()[0]
    return ".".join(map(str, error["loc"])), error["msg"]


def test_defaults_are_the_documented_ones():
    split = SplitExperiment()
    assert (split.metric, split.min_per_variant, split.confidence, split.auto_winner) == (
        "conversion", 500, 0.95, True)
    assert EmailExperiment().metric == "click"
    rails = Guardrails()
    assert (rails.window, rails.unsubscribe_rate, rails.complaint_rate, rails.bounce_rate) == (
        200, 0.02, 0.003, 0.05)
    holdout = HoldoutSettings(conversion_window="14d")
    assert holdout.holdout_percent == 0
    assert holdout.conversion_window.to_timedelta() == timedelta(days=14)


@pytest.mark.parametrize("model, values, where", [
    (SplitExperiment, {"min_per_variant": 49}, "min_per_variant"),
    (SplitExperiment, {"confidence": 0.79}, "confidence"),
    (SplitExperiment, {"confidence": 0.9991}, "confidence"),
    (SplitExperiment, {"metric": "open"}, "metric"),
    (EmailExperiment, {"metric": "revenue"}, "metric"),
    (HoldoutSettings, {"holdout_percent": 51}, "holdout_percent"),
    (Guardrails, {"unsubscribe_rate": 1.5}, "unsubscribe_rate"),
    (Guardrails, {"bounce_rate": -0.1}, "bounce_rate"),
    (Guardrails, {"window": 10}, "window"),
    (SplitExperiment, {"auto_pick": True}, "auto_pick"),
])
def test_bad_values_name_their_key(model, values, where):
    assert problem(model, **values)[0] == where
