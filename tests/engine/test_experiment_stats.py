"""The experiment statistics against published worked examples and exact formulas."""

from __future__ import annotations

import math

import pytest
from scipy.special import betaln

from engine.experiments.stats import (
    decide_winner,
    mean_variants,
    rate_difference,
    rate_variants,
)


def exact_b_beats_a(a: tuple[int, int], b: tuple[int, int]) -> float:
    """P(p_B > p_A) for Beta(1+s, 1+n−s) posteriors: the closed form (Evan Miller, 2015,
    "Formulas for Bayesian A/B testing"), a sum over B's successes."""
    alpha_a, beta_a = 1 + a[1], 1 + a[0] - a[1]
    alpha_b, beta_b = 1 + b[1], 1 + b[0] - b[1]
    total = 0.0
    for i in range(alpha_b):
        total += math.exp(betaln(alpha_a + i, beta_a + beta_b) - math.log(beta_b + i)
                          - betaln(1 + i, beta_b) - betaln(alpha_a, beta_a))
    return total


@pytest.mark.parametrize("a, b", [((100, 10), (100, 15)), ((1000, 50), (1000, 62)),
                                  ((20, 0), (20, 3)), ((5000, 400), (5200, 410))])
def test_probability_to_be_best_matches_the_closed_form(a, b):
    result = rate_variants([a, b])
    assert result[1].p_best == pytest.approx(exact_b_beats_a(a, b), abs=1e-4)
    assert result[0].p_best + result[1].p_best == pytest.approx(1.0)


def test_three_variants_share_one_and_equal_variants_share_evenly():
    result = rate_variants([(500, 50), (500, 50), (500, 50)])
    assert [v.p_best for v in result] == pytest.approx([1 / 3] * 3, abs=1e-4)
    ranked = rate_variants([(500, 40), (500, 50), (500, 70)])
    assert sum(v.p_best for v in ranked) == pytest.approx(1.0)
    assert ranked[2].p_best > ranked[1].p_best > ranked[0].p_best


def test_uplift_interval_is_the_log_rate_ratio():
    # 56/70 against a baseline of 48/80: ratio 1.333; Katz's log interval 1.0766–1.6512
    # (the figures statsmodels' confint_proportions_2indep(method="log") gives)
    base, variant = rate_variants([(80, 48), (70, 56)])
    assert base.uplift is None
    assert variant.rate == pytest.approx(0.8)
    assert variant.uplift == pytest.approx(1 / 3)
    assert variant.ci_low == pytest.approx(0.0766, abs=1e-4)
    assert variant.ci_high == pytest.approx(0.6512, abs=1e-4)


def test_holdout_lift_is_newcombes_interval():
    # Newcombe (1998), Statistics in Medicine 17:873, the worked example 56/70 − 48/80:
    # difference 0.2000, hybrid score interval (method 10) 0.0524 to 0.3339
    difference, low, high = rate_difference((70, 56), (80, 48))
    assert difference == pytest.approx(0.2)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_no_contacts_yet_gives_zeros_not_errors():
    result = rate_variants([(0, 0), (0, 0)])
    assert [v.rate for v in result] == [0.0, 0.0]
    assert [v.p_best for v in result] == pytest.approx([0.5, 0.5])
    assert result[1].uplift is None
    assert rate_difference((0, 0), (10, 1)) == (0.0, 0.0, 0.0)
    zero_base = rate_variants([(100, 0), (100, 5)])
    assert zero_base[1].uplift is not None and zero_base[1].ci_low < zero_base[1].uplift


def test_revenue_per_contact_compares_means():
    # two variants with the same spread, the second's mean 10 % higher on 2,000 contacts
    def sums(n, mean, sd):
        return n, n * mean, (n - 1) * sd * sd + n * mean * mean

    base, better = mean_variants([sums(2000, 20.0, 30.0), sums(2000, 22.0, 30.0)])
    assert base.rate == pytest.approx(20.0) and better.rate == pytest.approx(22.0)
    # the difference of means is 2 with standard error 30·√(2/2000) ≈ 0.949: z ≈ 2.108
    assert better.p_best == pytest.approx(0.9825, abs=1e-3)
    assert better.uplift == pytest.approx(0.1)
    assert better.ci_low < 0.1 < better.ci_high
    flat = mean_variants([(1, 5.0, 25.0), (1, 7.0, 49.0)])
    assert [v.p_best for v in flat] == [0.5, 0.5]


def test_a_winner_needs_the_sample_and_the_confidence():
    clear = rate_variants([(600, 30), (600, 60)])
    assert decide_winner(clear, min_per_variant=500, confidence=0.95) == 1
    assert decide_winner(clear, min_per_variant=1000, confidence=0.95) is None
    close = rate_variants([(600, 30), (600, 33)])
    assert decide_winner(close, min_per_variant=500, confidence=0.95) is None


def test_bad_counts_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="2 to 4 variants"):
        rate_variants([(10, 1)])
    with pytest.raises(ValueError, match="11 successes out of 10"):
        rate_variants([(10, 1), (10, 11)])
