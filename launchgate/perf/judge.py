"""Turn one route's observations into findings, a table row and a verdict word.

The same judge serves launchgate's own samples and a k6 summary: with samples, bounds and rank
tests come from them; from k6 (statistics only) the p95 lower bound is k6's p90 when the sample
count makes that conservative, and the rank test is replaced by a large-sample condition. k6
gives no bounds for p50, so from k6 a p50 budget can only be "likely over", never "over".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from launchgate.findings import Finding, Location, RouteMetric, Severity, fingerprint_of
from launchgate.perf.history import Baseline
from launchgate.perf.sampler import Measurement
from launchgate.perf.stats import quantile, summarize
from launchgate.perf.verdict import (
    MIN_SAMPLES,
    Budget,
    BudgetVerdict,
    RegressionPolicy,
    budget_verdict,
    error_rate_exceeded,
    likely_severity,
    regression_verdict,
    too_few_samples,
)

CHECK = "perf"
OVER = "perf.over-budget"
LIKELY_OVER = "perf.likely-over-budget"
OVER_P50 = "perf.p50-over-budget"
LIKELY_OVER_P50 = "perf.p50-likely-over-budget"
REGRESSION = "perf.regression"
ERRORS = "perf.error-rate"
NO_SAMPLES = "perf.no-samples"
FEW_SAMPLES = "perf.few-samples"
# Without samples (k6 import) p95 is trusted as a regression signal only from this many requests.
K6_MIN_REQUESTS = 200


@dataclass(frozen=True)
class Observed:
    """What was measured for a route. ``samples`` is empty for a k6 import."""

    route: str
    url: str | None
    count: int
    p50: float
    p95: float
    p95_low: float | None
    p95_high: float | None
    errors: int = 0
    attempts: int = 0
    samples: tuple[float, ...] = ()
    stopped: str | None = None

    # Time to first byte and connection setup (0 on a reused connection), for the JSON report;
    # budgets judge total time.
    ttfb_p95: float | None = None
    connect_p95: float | None = None
    # Bounds of p50, for a p50 budget (None: not bounded, e.g. a k6 import).
    p50_low: float | None = None
    p50_high: float | None = None

    @classmethod
    def from_measurement(cls, route: str, url: str, m: Measurement) -> Observed | None:
        """None when there is no successful sample to compute anything from."""
        samples = m.latencies
        if not samples:
            return None
        s = summarize(samples)
        ttfbs, connects = sorted(m.ttfbs), sorted(m.connects)
        return cls(
            route=route,
            url=url,
            count=s.count,
            p50=s.p50,
            p95=s.p95,
            p95_low=s.p95_low,
            p95_high=s.p95_high,
            errors=m.errors,
            attempts=s.count + m.errors,
            samples=tuple(samples),
            stopped=m.stopped,
            ttfb_p95=quantile(ttfbs, 0.95) if ttfbs else None,
            connect_p95=quantile(connects, 0.95) if connects else None,
            p50_low=s.p50_low,
            p50_high=s.p50_high,
        )


@dataclass(frozen=True)
class Outcome:
    verdict: str
    findings: tuple[Finding, ...]
    metric: RouteMetric
    # A finding that would fail the gate: re-measure once before it counts.
    suspected: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


def _finding(
    rule: str, severity: Severity, obs: Observed, title: str, message: str, fix: str
) -> Finding:
    return Finding(
        check=CHECK,
        rule=rule,
        severity=severity,
        title=f"{obs.route}: {title}",
        message=message,
        location=Location(route=obs.route, url=obs.url),
        remediation=fix,
        fingerprint=fingerprint_of(CHECK, rule, obs.route),
    )


def _interval(low: float | None, high: float | None) -> str:
    low_text = "?" if low is None else f"{low:.1f}"
    high_text = "unbounded" if high is None else f"{high:.1f}"
    return f"95% bounds {low_text} to {high_text} ms"


@dataclass(frozen=True)
class _Quantile:
    """One budgeted quantile of a route: its estimate, bounds, budget and rule ids."""

    name: str
    point: float
    low: float | None
    high: float | None
    budget_ms: float
    over: str
    likely: str


def _budgeted(obs: Observed, budget: Budget) -> list[_Quantile]:
    """p95 always (declared or the launch default); p50 when the route declares a p50 budget."""
    judged = [
        _Quantile("p95", obs.p95, obs.p95_low, obs.p95_high, budget.p95_ms, OVER, LIKELY_OVER)
    ]
    if budget.p50_ms is not None:
        judged.append(
            _Quantile(
                "p50", obs.p50, obs.p50_low, obs.p50_high, budget.p50_ms, OVER_P50, LIKELY_OVER_P50
            )
        )
    return judged


def _budget_findings(obs: Observed, budget: Budget) -> tuple[list[str], list[Finding]]:
    """Verdict words and findings for every budgeted quantile (p95 first)."""
    words: list[str] = []
    findings: list[Finding] = []
    fix = "Profile the route (queries, N+1, cold caches) or agree on a larger budget."
    for q in _budgeted(obs, budget):
        verdict = budget_verdict(q.point, q.low, q.budget_ms)
        limit = budget.describe() if q.name == "p95" else f"{q.budget_ms:g} ms {q.name}"
        bounds = f"{_interval(q.low, q.high)}, {obs.count} samples"
        prefix = "" if q.name == "p95" else "p50 "
        if verdict is BudgetVerdict.OVER:
            message = (
                f"{q.name} {q.point:.1f} ms over the {limit} budget by "
                f"{q.point - q.budget_ms:.1f} ms; even the lower bound is over ({bounds})."
            )
            findings.append(
                _finding(q.over, budget.severity, obs, f"{prefix}over budget", message, fix)
            )
        elif verdict is BudgetVerdict.LIKELY_OVER:
            message = (
                f"{q.name} {q.point:.1f} ms is over the {limit} budget, but within the "
                f"uncertainty of {obs.count} samples ({bounds}): likely, not proven."
            )
            severity = likely_severity(budget.severity)
            title = f"{prefix}likely over budget"
            findings.append(_finding(q.likely, severity, obs, title, message, fix))
        if verdict is not BudgetVerdict.WITHIN:
            words.append(prefix + verdict.value)
    return words, findings


def _regression(
    obs: Observed, baseline: Baseline, policy: RegressionPolicy, severity: Severity
) -> Finding | None:
    if obs.samples and baseline.samples:
        result = regression_verdict(obs.samples, baseline.samples, baseline.p95_ms, policy)
        regressed, ratio, delta = result.regressed, result.ratio, result.delta_ms
        evidence = f"rank tests p={min(result.p_shift, result.p_tail):.2g}"
    else:
        delta = obs.p95 - baseline.p95_ms
        ratio = obs.p95 / baseline.p95_ms if baseline.p95_ms > 0 else float("inf")
        large = obs.count >= K6_MIN_REQUESTS
        regressed = large and ratio > policy.max_ratio and delta > policy.min_delta_ms
        evidence = f"{obs.count} requests, no samples for a rank test"
    if not regressed:
        return None
    message = (
        f"p95 {obs.p95:.1f} ms is {ratio:.2f}x the baseline {baseline.p95_ms:.1f} ms "
        f"(+{delta:.1f} ms; limits {policy.max_ratio:g}x and +{policy.min_delta_ms:g} ms) over "
        f"the last {baseline.runs} good runs in environment {baseline.environment}; {evidence}."
    )
    fix = "Compare with the commits of the baseline runs; revert or fix the slowdown."
    return _finding(REGRESSION, severity, obs, "slower than the last good runs", message, fix)


def judge(
    obs: Observed,
    budget: Budget,
    baseline: Baseline | None,
    policy: RegressionPolicy,
    error_threshold: float,
) -> Outcome:
    """Findings, metric row and verdict word for one measured route."""
    words, findings = _budget_findings(obs, budget)
    suspected = any(f.rule in (OVER, OVER_P50) for f in findings)
    if baseline is not None:
        regression = _regression(obs, baseline, policy, budget.severity)
        if regression is not None:
            findings.append(regression)
            words.append("regression")
            suspected = True
    if error_rate_exceeded(obs.errors, obs.attempts, error_threshold):
        message = (
            f"{obs.errors} of {obs.attempts} requests failed ({obs.errors / obs.attempts:.1%}; "
            f"threshold {error_threshold:.0%}). Failed requests are not latency samples."
        )
        fix = "Check the route's logs for the failing requests before trusting its latency."
        # At the route's severity (budget.severity, default high), like its other failures.
        findings.append(_finding(ERRORS, budget.severity, obs, "error rate", message, fix))
        words.append("errors")
        suspected = True
    notes = []
    if obs.count == 0 and not obs.samples:
        notes.append("k6 reported no count for this metric (add count to summaryTrendStats)")
    elif too_few_samples(obs.count):
        notes.append(
            f"{obs.count} samples: fewer than {MIN_SAMPLES} cannot bound p95 from above at 95% "
            "confidence, so budget verdicts are weaker"
        )
    if obs.stopped:
        notes.append(f"sampling stopped early ({obs.stopped})")
    metric = RouteMetric(
        route=obs.route,
        samples=obs.count,
        p50_ms=round(obs.p50, 2),
        p95_ms=round(obs.p95, 2),
        budget_p95_ms=budget.p95_ms,
        baseline_p95_ms=None if baseline is None else round(baseline.p95_ms, 2),
        p95_low_ms=None if obs.p95_low is None else round(obs.p95_low, 2),
        p95_high_ms=None if obs.p95_high is None else round(obs.p95_high, 2),
        budget_default=budget.default,
        errors=obs.errors,
        verdict=", ".join(words) or "ok",
        ttfb_p95_ms=None if obs.ttfb_p95 is None else round(obs.ttfb_p95, 2),
        connect_p95_ms=None if obs.connect_p95 is None else round(obs.connect_p95, 2),
        budget_p50_ms=budget.p50_ms,
        p50_low_ms=None if obs.p50_low is None else round(obs.p50_low, 2),
        p50_high_ms=None if obs.p50_high is None else round(obs.p50_high, 2),
    )
    return Outcome(
        verdict=metric.verdict or "ok",
        findings=tuple(findings),
        metric=metric,
        suspected=suspected,
        notes=tuple(notes),
    )


def no_samples(route: str, url: str | None, errors: int, reason: str | None) -> Finding:
    """Every request failed (or none could be made): an error finding, never a pass."""
    obs = Observed(route=route, url=url, count=0, p50=0.0, p95=0.0, p95_low=None, p95_high=None)
    detail = f"all {errors} requests failed" if errors else "no request could be made"
    if reason:
        detail += f" ({reason})"
    return _finding(
        NO_SAMPLES,
        Severity.HIGH,
        obs,
        "no latency samples",
        f"Nothing was measured: {detail}. A route with no samples cannot pass a latency gate.",
        "Make the route answer (see the smoke check) and run perf again.",
    )
