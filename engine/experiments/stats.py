"""The statistics of an experiment: which variant is best, by how much, and how sure.

Contract (pure functions of counts; the distributions come from scipy.stats):
- `rate_variants(counts)` takes `[(n, successes), …]` for 2–4 variants, the first being
  the baseline, and returns one `VariantStats` each:
  - `rate` = successes / n (0 when nobody took the path yet);
  - `p_best`: the probability that this variant's true rate is the highest, under
    independent Beta(1 + successes, 1 + n − successes) posteriors (a uniform prior),
    computed as ∫ f_i(x) · Π_{j≠i} F_j(x) dx by Simpson's rule on a grid that covers every
    posterior's mass (no random draws: the same counts always give the same answer);
  - `uplift` against the baseline, relative ((rate_i / rate_0) − 1), with a 95 % interval
    from the log of the rate ratio (Katz's method; half a success and failure are added
    when a count is 0, Haldane's correction). None for the baseline itself and when the
    baseline has no trials.
- `mean_variants(sums)` does the same for a value per contact (revenue per contact), from
  `[(n, total, total_of_squares), …]` — aggregates a database sums cheaply. Each mean is
  taken as normal with its standard error (central limit theorem; sample variance), so
  p_best integrates normal densities; the uplift is the ratio of means − 1 with a
  delta-method interval on the log of the ratio. Needs n ≥ 2 per variant for a spread;
  below that p_best is shared evenly.
- `rate_difference(treated, held_out)` (holdouts): the difference of two rates (treated −
  held out; 0 means no effect) with Newcombe's hybrid score interval (method 10 of
  Newcombe 1998, from the Wilson interval of each rate).
- `decide_winner(stats, min_per_variant, confidence)`: the index of the winner, or None —
  every variant has at least `min_per_variant` contacts and one's p_best reaches
  `confidence`. Evaluating as contacts arrive ("peeking") is held in check by that minimum
  sample and the one fixed threshold; docs/experiments.md says what that does and does not
  protect against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import integrate, stats

LEVEL = 0.95
#: grid points for the p_best integral (odd, for Simpson's rule)
GRID = 4001
#: each posterior's tails beyond these quantiles hold too little mass to matter
TAIL = 1e-12


@dataclass(frozen=True)
class VariantStats:
    n: int
    successes: float  # a count for rates; the total value for means
    rate: float  # the success rate, or the mean value per contact
    p_best: float
    uplift: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


def rate_variants(counts: Sequence[tuple[int, int]], level: float = LEVEL) -> list[VariantStats]:
    _check_variants(counts)
    for n, successes in counts:
        if n < 0 or successes < 0 or successes > n:
            raise ValueError(f"a variant has {successes} successes out of {n} contacts")
    posteriors = [stats.beta(1 + s, 1 + n - s) for n, s in counts]
    p_best = _p_best(posteriors, low=0.0, high=1.0)
    base_n, base_s = counts[0]
    result = []
    for index, ((n, s), p) in enumerate(zip(counts, p_best)):
        rate = s / n if n else 0.0
        uplift = low = high = None
        if index and base_n and n:
            uplift, low, high = _ratio_interval(s, n, base_s, base_n, level)
        result.append(VariantStats(n, s, rate, p, uplift, low, high))
    return result


def mean_variants(sums: Sequence[tuple[int, float, float]],
                  level: float = LEVEL) -> list[VariantStats]:
    _check_variants(sums)
    means, errors = [], []
    for n, total, squares in sums:
        if n < 0:
            raise ValueError(f"a variant has {n} contacts")
        mean = total / n if n else 0.0
        variance = max(0.0, (squares - n * mean * mean) / (n - 1)) if n >= 2 else 0.0
        means.append(mean)
        errors.append(math.sqrt(variance / n) if n >= 2 else 0.0)
    if all(e > 0 for e in errors):
        spread = [stats.norm(m, e) for m, e in zip(means, errors)]
        p_best = _p_best(spread)
    else:  # no spread to compare yet
        p_best = [1.0 / len(sums)] * len(sums)
    z = stats.norm.ppf(0.5 + level / 2)
    result = []
    for index, ((n, total, _), mean, error, p) in enumerate(zip(sums, means, errors, p_best)):
        uplift = low = high = None
        base_mean, base_error = means[0], errors[0]
        if index and base_mean > 0 and mean > 0:
            log_ratio = math.log(mean / base_mean)
            # delta method: var(log m) ≈ (se / m)²
            se = math.sqrt((error / mean) ** 2 + (base_error / base_mean) ** 2)
            uplift = mean / base_mean - 1
            low, high = math.exp(log_ratio - z * se) - 1, math.exp(log_ratio + z * se) - 1
        result.append(VariantStats(n, total, mean, p, uplift, low, high))
    return result


def rate_difference(treated: tuple[int, int], held_out: tuple[int, int],
                    level: float = LEVEL) -> tuple[float, float, float]:
    """(difference, low, high) of treated rate − held-out rate; zeros without contacts."""
    (n1, s1), (n0, s0) = treated, held_out
    if not n1 or not n0:
        return 0.0, 0.0, 0.0
    p1, p0 = s1 / n1, s0 / n0
    l1, u1 = _wilson(s1, n1, level)
    l0, u0 = _wilson(s0, n0, level)
    difference = p1 - p0
    low = difference - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return difference, low, high


def decide_winner(variants: Sequence[VariantStats], min_per_variant: int,
                  confidence: float) -> int | None:
    if any(v.n < min_per_variant for v in variants):
        return None
    best = max(range(len(variants)), key=lambda i: variants[i].p_best)
    return best if variants[best].p_best >= confidence else None


# ---- the parts ------------------------------------------------------------------------------


def _check_variants(rows: Sequence) -> None:
    if not 2 <= len(rows) <= 4:
        raise ValueError(f"an experiment compares 2 to 4 variants, not {len(rows)}")


def _p_best(distributions, low: float = -math.inf, high: float = math.inf) -> list[float]:
    """P(variant i is the largest) = ∫ f_i(x) Π_{j≠i} F_j(x) dx, on a shared grid."""
    start = max(low, min(d.ppf(TAIL) for d in distributions))
    stop = min(high, max(d.isf(TAIL) for d in distributions))
    if not stop > start:  # every distribution is a point at the same place
        return [1.0 / len(distributions)] * len(distributions)
    x = np.linspace(start, stop, GRID)
    densities = [d.pdf(x) for d in distributions]
    cumulative = [d.cdf(x) for d in distributions]
    raw = []
    for i, density in enumerate(densities):
        others = np.prod([c for j, c in enumerate(cumulative) if j != i], axis=0)
        raw.append(max(0.0, float(integrate.simpson(density * others, x=x))))
    total = sum(raw)
    # the integrals add up to 1 up to the grid's error: share that out
    return [r / total for r in raw] if total > 0 else [1.0 / len(raw)] * len(raw)


def _ratio_interval(s: int, n: int, base_s: int, base_n: int,
                    level: float) -> tuple[float, float, float]:
    """Relative uplift (rate / base rate − 1) and its interval, by the log rate ratio."""
    if 0 in (s, base_s):  # Haldane's correction: the log of 0 has no interval
        s, n, base_s, base_n = s + 0.5, n + 1, base_s + 0.5, base_n + 1
    ratio = (s / n) / (base_s / base_n)
    se = math.sqrt(1 / s - 1 / n + 1 / base_s - 1 / base_n)
    z = stats.norm.ppf(0.5 + level / 2)
    log_ratio = math.log(ratio)
    return ratio - 1, math.exp(log_ratio - z * se) - 1, math.exp(log_ratio + z * se) - 1


def _wilson(successes: int, n: int, level: float) -> tuple[float, float]:
    interval = stats.binomtest(int(successes), int(n)).proportion_ci(level, method="wilson")
    return interval.low, interval.high
