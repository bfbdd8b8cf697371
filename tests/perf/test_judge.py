"""The judge on fixed observations: p50 budgets judged like p95, error-rate severity."""

from __future__ import annotations

from launchgate.findings import Severity
from launchgate.perf import judge as j
from launchgate.perf.sampler import Measurement, Sample
from launchgate.perf.stats import summarize
from launchgate.perf.verdict import Budget, RegressionPolicy

SAMPLES = [100.0 + i for i in range(60)]  # p50 129.5, p95 156.05


def _observed(errors: int = 0) -> j.Observed:
    failed = tuple(Sample(1.0, None, 0.0, 503, "status 503") for _ in range(errors))
    m = Measurement(samples=tuple(Sample(v, v / 2, 0.0, 200) for v in SAMPLES) + failed)
    obs = j.Observed.from_measurement("r", "http://127.0.0.1/r", m)
    assert obs is not None
    return obs


def _judge(budget: Budget, errors: int = 0) -> j.Outcome:
    return j.judge(_observed(errors), budget, None, RegressionPolicy(), 0.02)


def test_p50_bounds_come_from_order_statistics() -> None:
    obs, s = _observed(), summarize(SAMPLES)
    assert (obs.p50_low, obs.p50_high) == (s.p50_low, s.p50_high)
    assert s.p50_low is not None and s.p50_high is not None
    assert s.p50_low < obs.p50 == 129.5 < s.p50_high
    # 60 samples: x(24) and x(37) bound the median at 95% each
    assert (s.p50_low, s.p50_high) == (123.0, 136.0)


def test_p50_clearly_over_its_budget_fails_at_the_route_severity_and_is_re_measured() -> None:
    outcome = _judge(Budget(p95_ms=1000, p50_ms=122.5, severity=Severity.MEDIUM))
    assert [(f.rule, f.severity) for f in outcome.findings] == [(j.OVER_P50, Severity.MEDIUM)]
    assert outcome.suspected
    assert outcome.verdict == "p50 over budget"
    assert "p50 129.5 ms over the 122.5 ms p50 budget by 7.0 ms" in outcome.findings[0].message
    assert outcome.metric.budget_p50_ms == 122.5
    assert (outcome.metric.p50_low_ms, outcome.metric.p50_high_ms) == (123.0, 136.0)


def test_p50_over_at_the_estimate_only_is_likely_and_one_step_lower() -> None:
    outcome = _judge(Budget(p95_ms=1000, p50_ms=123.0))  # lower bound 123 is not over 123
    assert [(f.rule, f.severity) for f in outcome.findings] == [
        (j.LIKELY_OVER_P50, Severity.MEDIUM)
    ]
    assert not outcome.suspected
    assert outcome.verdict == "p50 likely over budget"


def test_p50_within_or_undeclared_is_not_judged() -> None:
    assert _judge(Budget(p95_ms=1000, p50_ms=129.5)).findings == ()
    undeclared = _judge(Budget(p95_ms=1000))
    assert undeclared.findings == ()
    assert undeclared.metric.budget_p50_ms is None
    assert undeclared.verdict == "ok"


def test_p95_and_p50_over_are_two_findings_with_their_own_fingerprints() -> None:
    outcome = _judge(Budget(p95_ms=120, p50_ms=110))
    assert [f.rule for f in outcome.findings] == [j.OVER, j.OVER_P50]
    assert len({f.fingerprint for f in outcome.findings}) == 2
    assert outcome.verdict == "over budget, p50 over budget"


def test_error_rate_follows_the_route_severity() -> None:
    for severity in (Severity.BLOCKER, Severity.LOW):
        outcome = _judge(Budget(p95_ms=1000, severity=severity), errors=3)
        assert [(f.rule, f.severity) for f in outcome.findings] == [(j.ERRORS, severity)]
        assert outcome.suspected
    default = _judge(Budget(p95_ms=1000), errors=3)
    assert default.findings[0].severity is Severity.HIGH
