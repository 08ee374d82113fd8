"""The A/B tests of a journey version, and their figures now.

Contract:
- `tests_of(compiled)` lists the `Test`s of a compiled version in step order: a
  random split with an `experiment` block (its variants are its ports) and an
  email step with `variants` and an `experiment` block.
- `evaluate(session, journey_id, test)` → `list[VariantStats]` in variant order, counted as
  contacts arrive (engine/experiments/figures.py).
- `as_json(test, stats, winner, decided_at)` is the report's entry: {"step", "metric",
  "variants": [{"key", "label", "n", "successes", "rate", "p_best", "uplift", "ci_low",
  "ci_high", "rate_low", "rate_high"}], "winner", "decided_at"}; figures are rounded to 6
  places. `ci_low`/`ci_high` bound the uplift; `rate_low`/`rate_high` are the 95 % credible
  interval of the rate itself (its Beta posterior; None for revenue), drawn as the bars'
  whiskers. Test settings ride along as "min_per_variant", "confidence", "auto_winner".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from engine.experiments.stats import VariantStats


@dataclass(frozen=True)
class Test:
    node_id: str
    kind: str  # "split" | "email"
    metric: str
    keys: tuple[str, ...]
    labels: tuple[str, ...]
    min_per_variant: int
    confidence: float
    auto_winner: bool


def tests_of(compiled) -> list[Test]:
    found = []
    for node in compiled.nodes.values():
        config = node.config
        block = getattr(config, "experiment", None)
        if block is None:
            continue
        if node.spec.forks and node.spec.email is None:  # a split with an experiment block
            kind = "split"
            keys = tuple(v.key for v in config.variants)
            labels = tuple(v.label for v in config.variants)
        elif node.spec.email is not None and config.variants:
            kind = "email"
            keys = tuple(v.key for v in config.variants)
            labels = tuple(v.label or v.key for v in config.variants)
        else:
            continue
        found.append(Test(node.id, kind, block.metric, keys, labels, block.min_per_variant,
                          block.confidence, block.auto_winner))
    return found


def evaluate(session: Session, journey_id: int, test: Test) -> list[VariantStats]:
    from engine.experiments import figures  # scipy loads only where a test runs

    if test.kind == "split":
        takers = figures.split_takers(session, journey_id, test.node_id)
        values = figures.successes(session, takers, test.metric)
    else:
        takers = figures.email_takers(session, journey_id, test.node_id)
        values = figures.successes(session, takers, test.metric, node_id=test.node_id)
    return figures.variant_stats(test.keys, takers, values, test.metric)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _rate_interval(test: Test, s) -> tuple[float | None, float | None]:
    """The 95 % credible interval of a variant's rate (its Beta posterior), for the bars."""
    if test.metric == "revenue":
        return None, None
    from scipy.stats import beta

    low, high = beta.ppf([0.025, 0.975], 1 + s.successes, 1 + s.n - s.successes)
    return float(low), float(high)


def as_json(test: Test, stats: list[VariantStats], winner: str | None,
            decided_at: datetime | None) -> dict[str, Any]:
    intervals = [_rate_interval(test, s) for s in stats]
    return {
        "step": test.node_id,
        "metric": test.metric,
        "variants": [{
            "key": key, "label": label, "n": s.n,
            "successes": _round(s.successes) if test.metric == "revenue" else int(s.successes),
            "rate": _round(s.rate), "p_best": _round(s.p_best), "uplift": _round(s.uplift),
            "ci_low": _round(s.ci_low), "ci_high": _round(s.ci_high),
            "rate_low": _round(low), "rate_high": _round(high),
        } for key, label, s, (low, high) in zip(test.keys, test.labels, stats, intervals)],
        "winner": winner,
        "decided_at": decided_at.isoformat() if decided_at else None,
        "min_per_variant": test.min_per_variant,
        "confidence": test.confidence,
        "auto_winner": test.auto_winner,
    }
