"""Quantiles, order-statistic bounds and rank tests: pinned values and properties."""

from __future__ import annotations

import math
import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from launchgate.perf import stats

latencies = st.lists(
    st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=300,
)


def test_type7_quantile_pinned() -> None:
    data = [10.0, 20.0, 30.0, 40.0]
    assert stats.quantile(data, 0.0) == 10.0
    assert stats.quantile(data, 1.0) == 40.0
    assert stats.quantile(data, 0.5) == 25.0
    # h = 3 * 0.95 = 2.85 -> 30 + 0.85 * 10
    assert stats.quantile(data, 0.95) == pytest.approx(38.5, abs=1e-12)
    assert stats.quantile([7.0], 0.95) == 7.0
    # matches the standard library's inclusive method (the same definition)
    sample = [float(v) for v in range(1, 101)]
    inclusive = statistics.quantiles(sample, n=10, method="inclusive")[8]
    assert stats.quantile(sample, 0.9) == pytest.approx(inclusive, abs=1e-9)


def test_quantile_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="no samples"):
        stats.quantile([], 0.5)
    with pytest.raises(ValueError, match="outside"):
        stats.quantile([1.0], 1.5)
    with pytest.raises(ValueError, match="outside"):
        stats.quantile([1.0], -0.1)


@given(latencies, st.floats(min_value=0, max_value=1))
def test_quantile_lies_between_min_and_max_and_is_monotone(values: list[float], p: float) -> None:
    ordered = sorted(values)
    q = stats.quantile(ordered, p)
    assert ordered[0] <= q <= ordered[-1]
    assert stats.quantile(ordered, min(1.0, p + 0.01)) >= q


def test_binomial_cdf_pinned() -> None:
    assert stats.binom_cdf(-1, 10, 0.5) == 0.0
    assert stats.binom_cdf(10, 10, 0.5) == 1.0
    assert stats.binom_cdf(0, 10, 0.5) == pytest.approx(1 / 1024)
    assert stats.binom_cdf(5, 10, 0.5) == pytest.approx(638 / 1024)
    # P(all 60 below p95) = 0.95**60
    assert 1 - stats.binom_cdf(59, 60, 0.95) == pytest.approx(0.95**60)


def test_bound_ranks_pinned() -> None:
    # The numbers the docs promise: 59 samples are the fewest with an upper 95% bound for p95.
    assert stats.min_samples_for_upper_bound() == 59
    assert stats.upper_rank(58, 0.95, 0.95) is None
    assert stats.upper_rank(59, 0.95, 0.95) == 59
    assert stats.upper_rank(60, 0.95, 0.95) == 60
    assert stats.upper_rank(100, 0.95, 0.95) == 99
    assert stats.lower_rank(60, 0.95, 0.95) == 54
    assert stats.lower_rank(100, 0.95, 0.95) == 91
    assert stats.lower_rank(300, 0.95, 0.95) == 279
    assert stats.upper_rank(300, 0.95, 0.95) == 292
    assert stats.lower_rank(1, 0.95, 0.99) is None


def test_bounds_take_the_pinned_order_statistics() -> None:
    data = [float(v) for v in range(1, 61)]
    bounds = stats.quantile_bounds(data)
    assert bounds == stats.Bounds(low=54.0, high=60.0)
    assert stats.quantile_bounds(data[:20]) == stats.Bounds(low=17.0, high=None)


def test_bounds_have_their_promised_coverage() -> None:
    """Simulated: each bound misses the true p95 of an exponential at most ~5% of the time."""
    rng = random.Random(20261129)
    true_p95 = -math.log(0.05)
    runs = 2000
    low_misses = high_misses = 0
    for _ in range(runs):
        sample = sorted(rng.expovariate(1.0) for _ in range(60))
        bounds = stats.quantile_bounds(sample)
        assert bounds.low is not None
        assert bounds.high is not None
        low_misses += bounds.low > true_p95
        high_misses += bounds.high < true_p95
    # Exact miss rates: lower 1 - P(B >= 54) = 0.0338, upper 0.95**60 = 0.046.
    assert low_misses / runs < 0.05
    assert high_misses / runs < 0.065


@given(latencies)
def test_summary_is_ordered(values: list[float]) -> None:
    s = stats.summarize(values)
    assert s.count == len(values)
    assert s.p50 <= s.p90 <= s.p95 <= s.p99 <= s.max == max(values)
    if s.p95_low is not None:
        assert s.p95_low <= s.max
    if s.p95_high is not None:
        assert s.p95_low is not None
        assert s.p95_low <= s.p95_high
    assert (s.p95_high is None) == (len(values) < 59)
    if s.p50_low is not None and s.p50_high is not None:
        assert s.p50_low <= s.p50 <= s.p50_high


def test_summary_bounds_p50_from_its_own_order_statistics() -> None:
    s = stats.summarize([100.0 + i for i in range(60)])
    # P(B <= 23) < 0.05 <= P(B <= 24) for B ~ Binomial(60, 0.5): ranks 24 and 37
    assert (s.p50_low, s.p50_high) == (123.0, 136.0)
    assert (s.p95_low, s.p95_high) == (153.0, 159.0)
    # the minimum bounds the median from below with 1 - 0.5**n: 0.969 for 5 samples, 0.9375 for 4
    five = stats.summarize([1.0, 2.0, 3.0, 4.0, 5.0])
    assert (five.p50_low, five.p50_high) == (1.0, 5.0)
    four = stats.summarize([1.0, 2.0, 3.0, 4.0])
    assert (four.p50_low, four.p50_high) == (None, None)


def test_midranks_share_ties() -> None:
    ranks, ties = stats._midranks([3.0, 1.0, 3.0, 2.0])
    assert ranks == [3.5, 1.0, 3.5, 2.0]
    assert ties == [1, 1, 2]


def test_mann_whitney_pinned() -> None:
    # U counts pairs where current > baseline; ties are halves.
    result = stats.mann_whitney_greater([3.0, 4.0], [1.0, 2.0])
    assert result.statistic == 4.0
    tied = stats.mann_whitney_greater([2.0, 2.0], [2.0, 2.0])
    assert tied.statistic == 2.0
    assert tied.p_value == 1.0  # zero variance: no evidence
    # Hand-computed: n1=n2=10, fully separated: U=100, var=175, z=(100-50-0.5)/sqrt(175)
    up = stats.mann_whitney_greater(
        [float(v) for v in range(11, 21)], [float(v) for v in range(1, 11)]
    )
    z = 49.5 / math.sqrt(175)
    assert up.statistic == 100.0
    assert up.p_value == pytest.approx(1 - statistics.NormalDist().cdf(z), rel=1e-12)


def test_mann_whitney_tie_correction_shrinks_the_variance() -> None:
    # With ties: n=6, ties (3, 3): var = 9/12 * (7 - 48/30) = 4.05
    result = stats.mann_whitney_greater([2.0, 2.0, 2.0], [1.0, 1.0, 1.0])
    z = (9 - 4.5 - 0.5) / math.sqrt(9 / 12 * (7 - 48 / 30))
    assert result.p_value == pytest.approx(1 - statistics.NormalDist().cdf(z), rel=1e-12)


def test_mann_whitney_needs_both_sides() -> None:
    with pytest.raises(ValueError, match="both sides"):
        stats.mann_whitney_greater([], [1.0])
    with pytest.raises(ValueError, match="both sides"):
        stats.tail_exceedance_greater([1.0], [])


@given(
    st.lists(st.floats(min_value=0, max_value=1e4), min_size=1, max_size=60),
    st.lists(st.floats(min_value=0, max_value=1e4), min_size=1, max_size=60),
)
def test_rank_tests_give_probabilities(a: list[float], b: list[float]) -> None:
    for test in (stats.mann_whitney_greater, stats.tail_exceedance_greater):
        result = test(a, b)
        assert 0.0 <= result.p_value <= 1.0 + 1e-12


def test_hypergeometric_tail_pinned() -> None:
    # 10 balls, 4 red, draw 3: P(X >= 2) = (C(4,2)C(6,1) + C(4,3)) / C(10,3) = 40/120
    assert stats.hypergeom_sf(2, 10, 4, 3) == pytest.approx(40 / 120)
    assert stats.hypergeom_sf(0, 10, 4, 3) == pytest.approx(1.0)
    assert stats.hypergeom_sf(4, 10, 4, 3) == 0.0


def test_tail_test_sees_a_slow_tail_that_mann_whitney_misses() -> None:
    rng = random.Random(7)
    baseline = [rng.gauss(100, 5) for _ in range(300)]
    current = [rng.gauss(100, 5) for _ in range(54)] + [400.0] * 6  # 10% slow tail
    shift = stats.mann_whitney_greater(current, baseline)
    tail = stats.tail_exceedance_greater(current, baseline)
    assert tail.statistic >= 6
    assert tail.p_value < 1e-4
    assert tail.p_value < shift.p_value / 50


def test_downsample_keeps_extremes_and_spacing() -> None:
    data = [float(v) for v in range(101)]
    assert stats.downsample(data, 5) == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert stats.downsample(data, 1) == [50.0]
    assert stats.downsample(data[:3], 5) == [0.0, 1.0, 2.0]
