"""Perf verdicts: budget, regression against the baseline, error rate. Pure and pinned by tests.

Each verdict is built to be trusted in CI, where a flaky gate gets silenced:

* **Budget**: *over* only when the lower confidence bound of p95 is above the budget (we are 95%
  sure the true p95 is over); a p95 over the budget at the point estimate only is *likely over*,
  reported one severity lower.
* **Regression**: all three must hold: a rank test says the current samples are slower, the p95
  grew by more than ``max_ratio`` times the baseline p95, and by more than ``min_delta_ms``. The
  rank test is Mann-Whitney U (a shift of the whole distribution) or, for regressions that only
  touch the slow tail, quantile tests at the baseline's p95 and p99; each at ``alpha / 3`` so
  together they keep the rank test's false-alarm rate at ``alpha``. Mann-Whitney alone catches a
  10% slow tail in about 6 of 10 runs; with the tail tests in about 8 of 10 (simulated here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from launchgate.findings import Severity
from launchgate.perf.stats import mann_whitney_greater, quantile, tail_exceedance_greater

# Launch practice: core reads under 500 ms and authenticated writes under 900 ms at p95.
DEFAULT_BUDGET_P95_MS = {"read": 500.0, "write": 900.0}
# Fewer samples than this cannot bound p95 from above at 95% confidence (stats: 59, rounded up).
MIN_SAMPLES = 60
DEFAULT_ERROR_RATE = 0.02
# Baseline quantiles whose exceedance the tail tests compare.
TAIL_QUANTILES = (0.95, 0.99)


@dataclass(frozen=True)
class Budget:
    """A route's p95 (and optional p50) budget; ``default`` when it is the launch default."""

    p95_ms: float
    p50_ms: float | None = None
    default: bool = False
    severity: Severity = Severity.HIGH

    def describe(self) -> str:
        return f"{self.p95_ms:g} ms" + (" (launch default)" if self.default else "")


def budget_for(
    kind: str,
    p95_ms: float | None,
    p50_ms: float | None = None,
    severity: Severity = Severity.HIGH,
) -> Budget:
    """The declared budget, or the launch default for the route's kind (read or write). A p50
    budget has no default: it is judged only when declared."""
    p50_ms = None if p50_ms is None else float(p50_ms)
    if p95_ms is not None:
        return Budget(p95_ms=float(p95_ms), p50_ms=p50_ms, default=False, severity=severity)
    default = DEFAULT_BUDGET_P95_MS["write" if kind == "write" else "read"]
    return Budget(p95_ms=default, p50_ms=p50_ms, default=True, severity=severity)


class BudgetVerdict(StrEnum):
    WITHIN = "within budget"
    LIKELY_OVER = "likely over budget"
    OVER = "over budget"


def budget_verdict(point: float, lower_bound: float | None, budget_ms: float) -> BudgetVerdict:
    """Over when even the lower confidence bound exceeds the budget; likely over when only the
    point estimate does. A missing lower bound (too few samples) can never prove "over"."""
    if lower_bound is not None and lower_bound > budget_ms:
        return BudgetVerdict.OVER
    if point > budget_ms:
        return BudgetVerdict.LIKELY_OVER
    return BudgetVerdict.WITHIN


_ONE_LOWER = {
    Severity.BLOCKER: Severity.HIGH,
    Severity.HIGH: Severity.MEDIUM,
    Severity.MEDIUM: Severity.LOW,
    Severity.LOW: Severity.INFO,
    Severity.INFO: Severity.INFO,
}


def likely_severity(severity: Severity) -> Severity:
    """The severity of a "likely over budget" finding: one step below the route's."""
    return _ONE_LOWER[severity]


@dataclass(frozen=True)
class RegressionPolicy:
    max_ratio: float = 1.5
    min_delta_ms: float = 50.0
    alpha: float = 0.1


@dataclass(frozen=True)
class Regression:
    """The comparison with the baseline and whether it counts as a regression."""

    regressed: bool
    current_p95: float
    baseline_p95: float
    ratio: float
    delta_ms: float
    p_shift: float
    p_tail: float
    rank_significant: bool


def regression_verdict(
    current: Sequence[float],
    baseline_samples: Sequence[float],
    baseline_p95: float,
    policy: RegressionPolicy = RegressionPolicy(),
) -> Regression:
    """Compare current samples with the pooled baseline samples and the baseline p95."""
    current_p95 = quantile(sorted(current), 0.95)
    shift = mann_whitney_greater(current, baseline_samples).p_value
    tail = min(
        tail_exceedance_greater(current, baseline_samples, q).p_value for q in TAIL_QUANTILES
    )
    significant = min(shift, tail) <= policy.alpha / (1 + len(TAIL_QUANTILES))
    delta = current_p95 - baseline_p95
    ratio = current_p95 / baseline_p95 if baseline_p95 > 0 else float("inf")
    regressed = significant and ratio > policy.max_ratio and delta > policy.min_delta_ms
    return Regression(
        regressed=regressed,
        current_p95=current_p95,
        baseline_p95=baseline_p95,
        ratio=ratio,
        delta_ms=delta,
        p_shift=shift,
        p_tail=tail,
        rank_significant=significant,
    )


def error_rate_exceeded(errors: int, attempts: int, threshold: float = DEFAULT_ERROR_RATE) -> bool:
    """More than ``threshold`` of the attempts failed (no attempts: nothing to judge)."""
    return attempts > 0 and errors / attempts > threshold


def too_few_samples(count: int) -> bool:
    return count < MIN_SAMPLES
