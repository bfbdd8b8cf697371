"""Latency statistics: quantiles, order-statistic bounds for a quantile, and rank tests.

Pure functions on lists of milliseconds, standard library only. scipy would give the same tests,
but it brings numpy along (tens of megabytes in the action image) for three small formulas whose
exact behaviour we want pinned by our own tests anyway.

Definitions used everywhere (reports, verdicts, k6 import):

* **Quantile**: linear interpolation between the two nearest order statistics (Hyndman & Fan
  type 7, the default of numpy, R and spreadsheets' PERCENTILE.INC): for sorted ``x[0..n-1]`` and
  probability ``p``, ``h = (n - 1) * p``; the quantile is ``x[floor(h)] + (h - floor(h)) *
  (x[floor(h) + 1] - x[floor(h)])``. p0 is the minimum, p100 the maximum.
* **Bounds for a quantile** (distribution-free, from order statistics): the number of samples
  below the true quantile q_p is Binomial(n, p). The lower bound is the largest order statistic
  ``x(l)`` with ``P(x(l) <= q_p) >= confidence``; the upper bound the smallest ``x(u)`` with
  ``P(x(u) >= q_p) >= confidence``. Each bound holds on its own at ``confidence`` (together they
  form an interval of at least ``2 * confidence - 1``). An upper 95% bound for p95 needs
  ``1 - 0.95**n >= 0.95``, i.e. at least 59 samples: with fewer it is ``None`` (unbounded).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

QUANTILES: tuple[tuple[str, float], ...] = (
    ("p50", 0.50),
    ("p90", 0.90),
    ("p95", 0.95),
    ("p99", 0.99),
    ("max", 1.00),
)


def quantile(ordered: Sequence[float], p: float) -> float:
    """Type-7 quantile of an already sorted, non-empty sequence (see the module docstring)."""
    if not ordered:
        raise ValueError("quantile of no samples")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"probability {p} outside [0, 1]")
    h = (len(ordered) - 1) * p
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def _log_binom_pmf(k: int, n: int, p: float) -> float:
    """log P(B = k) for B ~ Binomial(n, p), 0 < p < 1 (log space: n may be in the thousands)."""
    return (
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
    )


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(B <= k) for B ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return min(1.0, sum(math.exp(_log_binom_pmf(i, n, p)) for i in range(k + 1)))


@lru_cache(maxsize=256)
def _cdf_table(n: int, p: float) -> tuple[float, ...]:
    """``P(B <= k)`` for k = 0..n, in one pass (the rank searches below read it many times)."""
    total = 0.0
    table = []
    for k in range(n + 1):
        total += math.exp(_log_binom_pmf(k, n, p))
        table.append(min(1.0, total))
    return tuple(table)


def lower_rank(n: int, p: float, confidence: float) -> int | None:
    """1-based rank l of the largest order statistic that is <= q_p with ``confidence``.

    ``P(x(l) <= q_p) = P(B >= l) = 1 - P(B <= l - 1)``; None when even the minimum is not.
    """
    cdf = _cdf_table(n, p)
    best = None
    for rank in range(1, n + 1):
        if 1.0 - cdf[rank - 1] >= confidence:
            best = rank
        else:
            break
    return best


def upper_rank(n: int, p: float, confidence: float) -> int | None:
    """1-based rank u of the smallest order statistic that is >= q_p with ``confidence``.

    ``P(x(u) >= q_p) = P(B <= u - 1)``; None when even the maximum is not (too few samples).
    """
    cdf = _cdf_table(n, p)
    for rank in range(1, n + 1):
        if cdf[rank - 1] >= confidence:
            return rank
    return None


@dataclass(frozen=True)
class Bounds:
    """Distribution-free confidence bounds for one quantile; ``None`` means unbounded."""

    low: float | None
    high: float | None


def quantile_bounds(ordered: Sequence[float], p: float = 0.95, confidence: float = 0.95) -> Bounds:
    """Order-statistic bounds for the ``p`` quantile of sorted samples (module docstring)."""
    n = len(ordered)
    low = lower_rank(n, p, confidence)
    high = upper_rank(n, p, confidence)
    return Bounds(
        low=None if low is None else ordered[low - 1],
        high=None if high is None else ordered[high - 1],
    )


def min_samples_for_upper_bound(p: float = 0.95, confidence: float = 0.95) -> int:
    """Fewest samples whose maximum bounds q_p from above at ``confidence``: 59 for p95 at 95%."""
    return math.ceil(math.log(1.0 - confidence) / math.log(p))


@dataclass(frozen=True)
class Summary:
    """The quantiles a report shows, with bounds for p95 and p50. All in milliseconds."""

    count: int
    p50: float
    p90: float
    p95: float
    p99: float
    max: float
    p95_low: float | None
    p95_high: float | None
    p50_low: float | None = None
    p50_high: float | None = None


def summarize(samples: Sequence[float], confidence: float = 0.95) -> Summary:
    """Quantiles (type 7) and p95 and p50 bounds of a non-empty sample."""
    ordered = sorted(samples)
    values = {name: quantile(ordered, p) for name, p in QUANTILES}
    bounds = quantile_bounds(ordered, 0.95, confidence)
    median = quantile_bounds(ordered, 0.50, confidence)
    return Summary(
        count=len(ordered),
        p50=values["p50"],
        p90=values["p90"],
        p95=values["p95"],
        p99=values["p99"],
        max=values["max"],
        p95_low=bounds.low,
        p95_high=bounds.high,
        p50_low=median.low,
        p50_high=median.high,
    )


def _midranks(values: Sequence[float]) -> tuple[list[float], list[int]]:
    """Mid-ranks (1-based, ties share their average rank) and the sizes of tie groups."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    ties: list[int] = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        average = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = average
        ties.append(j - i + 1)
        i = j + 1
    return ranks, ties


@dataclass(frozen=True)
class RankTest:
    """Outcome of a one-sided test that ``current`` is slower than ``baseline``."""

    statistic: float
    p_value: float


def mann_whitney_greater(current: Sequence[float], baseline: Sequence[float]) -> RankTest:
    """One-sided Mann-Whitney U: are ``current`` values stochastically larger than ``baseline``?

    ``statistic`` is U of ``current`` (pairs where current > baseline, ties count 1/2). The
    p-value uses the normal approximation with the tie correction of the variance and a
    continuity correction of 1/2 (accurate for the 20+ samples per side perf works with).
    """
    n1, n2 = len(current), len(baseline)
    if n1 == 0 or n2 == 0:
        raise ValueError("rank test needs samples on both sides")
    ranks, ties = _midranks([*current, *baseline])
    u = sum(ranks[:n1]) - n1 * (n1 + 1) / 2
    n = n1 + n2
    tie_term = sum(t**3 - t for t in ties) / (n * (n - 1)) if n > 1 else 0.0
    variance = n1 * n2 / 12 * ((n + 1) - tie_term)
    if variance <= 0:
        return RankTest(statistic=u, p_value=1.0)
    z = (u - n1 * n2 / 2 - 0.5) / math.sqrt(variance)
    return RankTest(statistic=u, p_value=1.0 - NormalDist().cdf(z))


def hypergeom_sf(k: int, population: int, successes: int, draws: int) -> float:
    """P(X >= k) for X ~ Hypergeometric(population, successes, draws), exactly."""
    total = math.comb(population, draws)
    top = min(successes, draws)
    hits = sum(
        math.comb(successes, i) * math.comb(population - successes, draws - i)
        for i in range(max(k, 0), top + 1)
    )
    return hits / total


def tail_exceedance_greater(
    current: Sequence[float], baseline: Sequence[float], p: float = 0.95
) -> RankTest:
    """One-sided quantile test (Mood's test at ``p``): is the slow tail of ``current`` heavier?

    Counts the current samples above the baseline's ``p`` quantile and compares that count with
    what the pooled samples make likely (Fisher's exact test on the 2x2 table). Mann-Whitney
    judges the whole distribution and misses a regression in the slowest 5-10% of requests; this
    test looks only there. It depends on ranks only, like Mann-Whitney.
    """
    if not current or not baseline:
        raise ValueError("rank test needs samples on both sides")
    threshold = quantile(sorted(baseline), p)
    above_current = sum(1 for v in current if v > threshold)
    above_baseline = sum(1 for v in baseline if v > threshold)
    population = len(current) + len(baseline)
    p_value = hypergeom_sf(above_current, population, above_current + above_baseline, len(current))
    return RankTest(statistic=float(above_current), p_value=p_value)


def downsample(ordered: Sequence[float], keep: int) -> list[float]:
    """At most ``keep`` evenly spaced order statistics (min and max kept): a compact stand-in
    for a large sample that preserves its distribution for rank tests and quantiles."""
    n = len(ordered)
    if n <= keep:
        return list(ordered)
    if keep == 1:
        return [ordered[n // 2]]
    return [ordered[round(i * (n - 1) / (keep - 1))] for i in range(keep)]
