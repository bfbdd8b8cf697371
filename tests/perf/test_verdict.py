"""Budget, regression and error-rate verdicts, pinned at their boundaries."""

from __future__ import annotations

import pytest

from launchgate.findings import Severity
from launchgate.perf import verdict as v


def test_launch_defaults_are_marked_as_defaults() -> None:
    read = v.budget_for("read", None)
    write = v.budget_for("write", None)
    assert (read.p95_ms, read.default) == (500.0, True)
    assert (write.p95_ms, write.default) == (900.0, True)
    assert read.describe() == "500 ms (launch default)"
    declared = v.budget_for("write", 300, 100, Severity.BLOCKER)
    assert declared == v.Budget(300.0, 100, False, Severity.BLOCKER)
    assert declared.describe() == "300 ms"


def test_budget_verdict_boundaries() -> None:
    assert v.budget_verdict(point=120, lower_bound=101, budget_ms=100) is v.BudgetVerdict.OVER
    # lower bound exactly at the budget is not "clearly over"
    assert v.budget_verdict(120, 100, 100) is v.BudgetVerdict.LIKELY_OVER
    assert v.budget_verdict(120, None, 100) is v.BudgetVerdict.LIKELY_OVER
    assert v.budget_verdict(100.5, 90, 100) is v.BudgetVerdict.LIKELY_OVER
    assert v.budget_verdict(100, 90, 100) is v.BudgetVerdict.WITHIN
    assert v.budget_verdict(50, None, 100) is v.BudgetVerdict.WITHIN
    assert v.BudgetVerdict.LIKELY_OVER.value == "likely over budget"


def test_likely_is_one_step_lower() -> None:
    assert [v.likely_severity(s) for s in Severity] == [
        Severity.HIGH,
        Severity.MEDIUM,
        Severity.LOW,
        Severity.INFO,
        Severity.INFO,
    ]


SLOW = [200.0 + i for i in range(60)]
FAST = [100.0 + (i % 60) for i in range(180)]


def test_regression_needs_all_three() -> None:
    policy = v.RegressionPolicy(max_ratio=1.5, min_delta_ms=50, alpha=0.05)
    result = v.regression_verdict(SLOW, FAST, baseline_p95=156.0, policy=policy)
    assert result.rank_significant
    assert result.ratio == pytest.approx(result.current_p95 / 156.0)
    assert result.delta_ms == pytest.approx(result.current_p95 - 156.0)
    assert result.regressed
    # same data, each guard alone blocks it
    assert not v.regression_verdict(SLOW, FAST, 156.0, v.RegressionPolicy(2.0, 50)).regressed
    assert v.RegressionPolicy() == v.RegressionPolicy(1.5, 50.0, 0.1)
    assert not v.regression_verdict(SLOW, FAST, 156.0, v.RegressionPolicy(1.5, 150)).regressed
    # rank test not significant (identical samples) although p95 jumped against the baseline p95
    same = v.regression_verdict(FAST, FAST, baseline_p95=10.0, policy=policy)
    assert same.ratio > 1.5
    assert same.delta_ms > 50
    assert not same.rank_significant
    assert not same.regressed


def test_regression_boundaries_are_strict() -> None:
    current_p95 = v.regression_verdict(SLOW, FAST, 100.0).current_p95  # 256.05
    at_ratio = v.regression_verdict(SLOW, FAST, current_p95 / 2, v.RegressionPolicy(2.0, 0))
    assert at_ratio.ratio == pytest.approx(2.0)
    assert not at_ratio.regressed
    delta = current_p95 - 100.0
    at_delta = v.regression_verdict(SLOW, FAST, 100.0, v.RegressionPolicy(1.01, delta))
    assert not at_delta.regressed
    assert v.regression_verdict(SLOW, FAST, 100.0, v.RegressionPolicy(1.01, delta - 0.01)).regressed


def test_rank_significance_uses_a_third_of_alpha_each() -> None:
    near = [x + 8.0 for x in FAST[:60]]
    result = v.regression_verdict(near, FAST, 100.0, v.RegressionPolicy(alpha=0.05))
    p = min(result.p_shift, result.p_tail)
    assert 0 < p < 0.5
    assert v.regression_verdict(near, FAST, 100.0, v.RegressionPolicy(alpha=3 * p)).rank_significant
    strict = v.regression_verdict(near, FAST, 100.0, v.RegressionPolicy(alpha=3 * p * 0.99))
    assert not strict.rank_significant


def test_zero_baseline_is_an_infinite_ratio() -> None:
    assert v.regression_verdict(SLOW, FAST, 0.0).ratio == float("inf")


def test_error_rate_threshold() -> None:
    assert v.DEFAULT_ERROR_RATE == 0.02
    assert not v.error_rate_exceeded(2, 100)
    assert v.error_rate_exceeded(3, 100)
    assert not v.error_rate_exceeded(0, 0)
    assert v.error_rate_exceeded(1, 10, threshold=0.05)
    assert not v.error_rate_exceeded(1, 20, threshold=0.05)


def test_few_samples() -> None:
    assert v.MIN_SAMPLES == 60
    assert v.too_few_samples(59)
    assert not v.too_few_samples(60)
