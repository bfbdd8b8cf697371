"""The registered ``perf`` check: time each route, judge it, confirm failures, keep good runs.

Routes are measured one after the other (parallel routes would slow each other down). A route
whose first measurement would fail the gate (over budget, regression, error rate) is measured a
second time, and only a failure seen again counts: one noisy minute must not block a launch.
Passing routes are appended to the history in the state directory; failing ones never are.
``launchgate perf --from-k6 FILE`` judges a k6 summary with the same budgets and baselines.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from launchgate.checkapi import CheckContext, CheckError, CheckSpec
from launchgate.findings import CheckResult, Finding, Location, RuleInfo, Severity, fingerprint_of
from launchgate.manifest import Manifest
from launchgate.perf import history
from launchgate.perf.judge import (
    CHECK,
    ERRORS,
    FEW_SAMPLES,
    LIKELY_OVER,
    LIKELY_OVER_P50,
    NO_SAMPLES,
    OVER,
    OVER_P50,
    REGRESSION,
    Observed,
    Outcome,
    judge,
    no_samples,
)
from launchgate.perf.k6 import K6Error, K6Route, load_summary
from launchgate.perf.sampler import ClientFactory, Plan, RequestCap, measure
from launchgate.perf.targets import Target, budget_of, targets_from
from launchgate.perf.verdict import (
    DEFAULT_ERROR_RATE,
    MIN_SAMPLES,
    Budget,
    RegressionPolicy,
)
from launchgate.web.client import WebSettings, make_client

UNCONFIRMED = "perf.unconfirmed"
DEFAULT_MAX_REQUESTS = 10_000
DEFAULT_ROUTE_SECONDS = 60.0


def _plan(section: Mapping[str, Any], params: Mapping[str, Any]) -> Plan:
    def pick(name: str, default: Any) -> Any:
        value = params.get(name)
        return section.get(name, default) if value is None else value

    return Plan(
        samples=int(pick("samples", MIN_SAMPLES)),
        concurrency=int(pick("concurrency", 5)),
        warmup=int(section.get("warmup", 3)),
        timeout_s=float(section.get("timeout_ms", 10_000)) / 1000,
        route_time_cap_s=float(section.get("max_route_seconds", DEFAULT_ROUTE_SECONDS)),
    )


def _policy(section: Mapping[str, Any]) -> RegressionPolicy:
    raw = section.get("regression")
    regression = raw if isinstance(raw, Mapping) else {}
    return RegressionPolicy(
        max_ratio=float(regression.get("max_ratio", 1.5)),
        min_delta_ms=float(regression.get("min_delta_ms", 50.0)),
        alpha=float(regression.get("alpha", 0.1)),
    )


def _where(ctx: CheckContext) -> tuple[str | None, str]:
    """The base URL routes run against, and the environment whose history they extend.

    ``--base-url`` wins for the URL; its environment is ``--environment``, else the manifest
    environment with that base URL, else ``default``. Without ``--base-url``: the named
    environment, else the first production environment with a base URL, else the first one.
    """
    environments = ctx.manifest.environments
    name = ctx.param("environment")
    given = ctx.param("base_url")
    if given:
        url = str(given)
        same = [
            e.name
            for e in environments.values()
            if (e.base_url or "").rstrip("/") == url.rstrip("/")
        ]
        return url, str(name or (same[0] if same else history.DEFAULT_ENVIRONMENT))
    if name and name in environments:
        return environments[name].base_url, str(name)
    with_url = [e for e in environments.values() if e.base_url]
    production = [e for e in with_url if e.production]
    chosen = production[:1] or with_url[:1]
    if chosen:
        return chosen[0].base_url, chosen[0].name
    return None, str(name or history.DEFAULT_ENVIRONMENT)


def client_factory(params: Mapping[str, Any], timeout_s: float) -> ClientFactory:
    """One client per worker from the shared web layer (one SSL context per run, ``--resolve``,
    CA bundle); one connection each. Redirects are not followed: a redirect is timed as is."""
    try:
        settings = WebSettings.from_params(params, read_timeout_s=timeout_s)
    except ValueError as exc:
        raise CheckError(str(exc)) from None
    return lambda: make_client(settings, max_connections=1)


def _info(rule: str, title: str, message: str, route: str | None = None) -> Finding:
    return Finding(
        check=CHECK,
        rule=rule,
        severity=Severity.INFO,
        title=title,
        message=message,
        location=Location(route=route),
        fingerprint=fingerprint_of(CHECK, rule, route),
    )


class _Run:
    """State of one perf run over all routes."""

    def __init__(self, ctx: CheckContext, factory: ClientFactory | None = None) -> None:
        section = ctx.section("perf")
        self.ctx = ctx
        self.plan = _plan(section, ctx.params)
        self.policy = _policy(section)
        self.error_rate = float(section.get("error_rate", DEFAULT_ERROR_RATE))
        self.min_runs = int(section.get("baseline_min_runs", history.DEFAULT_MIN_RUNS))
        self.runs_kept = int(section.get("history_runs", history.DEFAULT_RUNS_KEPT))
        self.cap = RequestCap(int(section.get("max_requests", DEFAULT_MAX_REQUESTS)))
        self.factory = factory or client_factory(ctx.params, self.plan.timeout_s)
        self.findings: list[Finding] = []
        self.outcomes: list[Outcome] = []
        self.good: list[tuple[str, history.RunRecord]] = []
        self.now = dt.datetime.now(dt.UTC)
        self.commit = ctx.param("commit") or os.environ.get("GITHUB_SHA") or None
        self.base_url, self.environment = _where(ctx)

    def _observe(self, target: Target) -> tuple[Observed | None, Finding | None]:
        plan = self.plan
        if target.timeout_s is not None:
            plan = Plan(
                plan.samples, plan.concurrency, plan.warmup, target.timeout_s, plan.route_time_cap_s
            )
        self.ctx.progress(f"perf: timing {target.label or target.name}")
        m = measure(target.request, plan, self.factory, self.cap)
        obs = Observed.from_measurement(target.name, target.request.url, m)
        if obs is None:
            reason = "; ".join(r for r in (m.stopped, m.failures()) if r) or None
            return None, no_samples(target.name, target.request.url, m.errors, reason)
        return obs, None

    def route(self, target: Target) -> None:
        base, _count = history.baseline(
            self.ctx.store, target.name, self.environment, self.min_runs
        )
        obs, failed = self._observe(target)
        outcome = (
            None if obs is None else judge(obs, target.budget, base, self.policy, self.error_rate)
        )
        if failed is not None or (outcome is not None and outcome.suspected):
            first = "no samples" if outcome is None else outcome.verdict
            obs, failed = self._observe(target)
            outcome = (
                None
                if obs is None
                else judge(obs, target.budget, base, self.policy, self.error_rate)
            )
            confirmed = failed is not None or (outcome is not None and outcome.suspected)
            if not confirmed:
                self.findings.append(
                    _info(
                        UNCONFIRMED,
                        f"{target.name}: first measurement not confirmed",
                        f"The first measurement suggested '{first}'; a re-measure did not "
                        "confirm it, so it does not count.",
                        target.name,
                    )
                )
        if failed is not None:
            self.findings.append(failed)
            return
        assert outcome is not None
        assert obs is not None
        self.outcomes.append(outcome)
        self.findings.extend(outcome.findings)
        if not outcome.suspected:
            record = history.record(
                target.request.url, obs.samples, self.commit, self.now, self.environment
            )
            self.good.append((target.name, record))

    def k6_route(self, k6: K6Route, budget: Budget, failed: int | None, total: int | None) -> None:
        base, _count = history.baseline(
            self.ctx.store, k6.route, self.environment, self.min_runs, from_k6=True
        )
        obs = Observed(
            route=k6.route,
            url=None,
            count=k6.count or 0,
            p50=k6.p50,
            p95=k6.p95,
            p95_low=k6.p95_lower_bound(),
            p95_high=None,
            # k6 counts failures for the whole run only: judged on the whole-run route.
            errors=(failed or 0) if k6.route == "k6" else 0,
            attempts=(total or 0) if k6.route == "k6" else 0,
        )
        outcome = judge(obs, budget, base, self.policy, self.error_rate)
        self.outcomes.append(outcome)
        self.findings.extend(outcome.findings)
        if not outcome.suspected:
            stamp = self.now.isoformat(timespec="seconds")
            record = history.RunRecord(
                history.K6_URL, self.commit, stamp, round(k6.p95, 2), (), self.environment
            )
            self.good.append((k6.route, record))


def _summary(run: _Run, skipped: Sequence[str]) -> str:
    counts: dict[str, int] = {}
    for outcome in run.outcomes:
        counts[outcome.verdict] = counts.get(outcome.verdict, 0) + 1
    parts = [f"{n} {word}" for word, n in sorted(counts.items())]
    failed = sum(1 for f in run.findings if f.rule == NO_SAMPLES)
    if failed:
        parts.append(f"{failed} without samples")
    text = f"{len(run.outcomes) + failed} route(s), p95 of total time: " + ", ".join(parts)
    if skipped:
        text += f"; write routes not timed (not repeat_safe): {', '.join(skipped)}"
    return text


def _notes(run: _Run) -> None:
    """One info finding per route whose numbers rest on fewer samples than promised."""
    for outcome in run.outcomes:
        if outcome.notes:
            route = outcome.metric.route
            run.findings.append(
                _info(
                    FEW_SAMPLES,
                    f"{route}: fewer samples than a reliable p95 needs",
                    "; ".join(outcome.notes) + ". Use --samples 60 or more.",
                    route,
                )
            )


def _run_k6(run: _Run, path: Path, manifest_routes: Sequence[Mapping[str, Any]]) -> str:
    try:
        summary = load_summary(path)
    except K6Error as exc:
        raise CheckError(str(exc)) from None
    declared = {str(r.get("name")): r for r in manifest_routes}
    override = run.ctx.param("budget_p95")
    for k6 in summary.routes:
        budget = budget_of(declared.get(k6.route, {}), override)
        run.k6_route(k6, budget, summary.failed, summary.requests)
    return _summary(run, ()) + f" (from k6 summary {path.name})"


def run_perf(ctx: CheckContext, factory: ClientFactory | None = None) -> CheckResult:
    started = dt.datetime.now(dt.UTC)
    run = _Run(ctx, factory)
    routes = [r for r in ctx.manifest.data.get("routes") or [] if isinstance(r, Mapping)]
    k6_file = ctx.param("k6_file")
    if k6_file:
        summary = _run_k6(run, Path(k6_file), routes)
    else:
        budget_p95 = ctx.param("budget_p95")
        targets = targets_from(
            routes,
            list(ctx.param("urls", ())),
            run.base_url,
            ctx.masker,
            float(budget_p95) if budget_p95 is not None else None,
        )
        if not targets.timed:
            raise CheckError(
                "nothing to time: declare read routes (or write routes with repeat_safe: true) "
                "or pass URLs"
            )
        for target in targets.timed:
            run.route(target)
        summary = _summary(run, targets.not_repeatable)
    _notes(run)
    if run.good:
        history.append(ctx.store, run.good, run.now, run.runs_kept)
    elapsed = dt.datetime.now(dt.UTC) - started
    return CheckResult(
        check=CHECK,
        findings=tuple(run.findings),
        summary=summary,
        duration_ms=int(elapsed.total_seconds() * 1000),
        routes=tuple(o.metric for o in run.outcomes),
    )


def _rules(_manifest: Manifest) -> list[RuleInfo]:
    return [
        RuleInfo(OVER, "p95 over budget", "Even the 95% lower bound of p95 is over the budget."),
        RuleInfo(
            LIKELY_OVER,
            "p95 likely over budget",
            "p95 is over the budget at the point estimate only.",
        ),
        RuleInfo(
            OVER_P50,
            "p50 over budget",
            "Even the 95% lower bound of p50 is over the route's declared p50 budget.",
        ),
        RuleInfo(
            LIKELY_OVER_P50,
            "p50 likely over budget",
            "p50 is over the route's declared p50 budget at the point estimate only.",
        ),
        RuleInfo(
            REGRESSION,
            "slower than the last good runs",
            "Rank test, p95 ratio and p95 increase all say slower.",
        ),
        RuleInfo(
            ERRORS,
            "error rate",
            "More requests failed than the error-rate threshold allows (at the route's severity).",
        ),
        RuleInfo(NO_SAMPLES, "no latency samples", "Nothing was measured; never a pass."),
        RuleInfo(FEW_SAMPLES, "few samples", "Fewer than 60 samples cannot bound p95 at 95%."),
        RuleInfo(
            UNCONFIRMED, "not confirmed", "A suspected failure that a re-measure did not confirm."
        ),
    ]


def _configured(manifest: Manifest) -> bool:
    return bool(manifest.data.get("routes"))


SPEC = CheckSpec(
    id=CHECK,
    title="Latency of critical routes against budgets and the last good runs",
    run=run_perf,
    configured=_configured,
    rules=_rules,
    alone=True,
)
