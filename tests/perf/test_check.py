"""The perf check end to end against a real local server whose latency is switched between runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from launchgate.checkapi import CheckContext, CheckError
from launchgate.findings import CheckResult, Severity
from launchgate.manifest import parse_manifest
from launchgate.perf import history
from launchgate.perf.check import run_perf
from launchgate.store import Store
from tests.fixtures.delay_server import configure, serve


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve() as base:
        yield base


def _run(
    tmp_path: Path, base: str, routes: str, params: dict[str, Any] | None = None, perf: str = ""
) -> CheckResult:
    text = (
        f"version: 1\nenvironments:\n  production: {{base_url: {base}}}\n"
        f"perf: {{samples: 60, concurrency: 5, warmup: 5{perf}}}\nroutes:\n{routes}"
    )
    manifest = parse_manifest(text, tmp_path / "launchready.yml")
    ctx = CheckContext(
        root=tmp_path, manifest=manifest, store=Store(tmp_path / "state"), params=params or {}
    )
    return run_perf(ctx)


def _rules(result: CheckResult) -> list[str]:
    return sorted(f.rule for f in result.findings)


def test_unchanged_runs_build_a_baseline_then_a_2x_slowdown_is_a_confirmed_regression(
    server: str, tmp_path: Path
) -> None:
    configure(server, {"/a": {"delay_ms": 100}})
    routes = "  - {name: a, path: /a, budget: {p95_ms: 1000}}\n"
    for run in range(4):
        result = _run(tmp_path, server, routes)
        assert _rules(result) == [], (run, result.findings)
        assert result.routes[0].verdict == "ok"
    metric = result.routes[0]
    assert metric.baseline_p95_ms is not None  # 3 good runs make a baseline for the 4th
    assert 100 <= metric.p50_ms < 400
    assert metric.samples == 60
    stored = Store(tmp_path / "state").get(history.KEY)
    assert len(stored["routes"]["a"]) == 4

    configure(server, {"/a": {"delay_ms": 250}})
    slow = _run(tmp_path, server, routes)
    assert _rules(slow) == ["perf.regression"]
    finding = slow.findings[0]
    assert finding.severity is Severity.HIGH
    assert "the last 4 good runs" in finding.message
    assert slow.routes[0].verdict == "regression"
    # a failing run never becomes part of the baseline
    assert len(Store(tmp_path / "state").get(history.KEY)["routes"]["a"]) == 4


def test_a_slow_tail_alone_is_a_regression(server: str, tmp_path: Path) -> None:
    configure(server, {"/t": {"delay_ms": 20}})
    routes = "  - {name: t, path: /t}\n"
    for _ in range(3):
        assert _rules(_run(tmp_path, server, routes)) == []
    configure(server, {"/t": {"delay_ms": 20, "tail_ms": 300, "tail_every": 8}})
    result = _run(tmp_path, server, routes)
    assert "perf.regression" in _rules(result)
    assert result.routes[0].budget_default is True
    assert result.routes[0].budget_p95_ms == 500.0


def test_clearly_over_budget_fails_and_point_estimate_only_is_lower(
    server: str, tmp_path: Path
) -> None:
    configure(
        server, {"/o": {"delay_ms": 60}, "/l": {"delay_ms": 2, "tail_ms": 250, "tail_every": 15}}
    )
    routes = (
        "  - {name: o, path: /o, budget: {p95_ms: 20, severity: blocker}}\n"
        "  - {name: l, path: /l, budget: {p95_ms: 120}}\n"
    )
    result = _run(tmp_path, server, routes)
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["perf.over-budget"].severity is Severity.BLOCKER
    assert by_rule["perf.over-budget"].location.route == "o"
    assert "even the lower bound is over" in by_rule["perf.over-budget"].message
    likely = by_rule["perf.likely-over-budget"]
    assert likely.severity is Severity.MEDIUM
    assert likely.location.route == "l"
    assert [m.verdict for m in result.routes] == ["over budget", "likely over budget"]
    # only the passing route (likely over is not a failure) is kept as a good run
    assert list(Store(tmp_path / "state").get(history.KEY)["routes"]) == ["l"]


def test_a_passing_blip_is_re_measured_and_does_not_count(server: str, tmp_path: Path) -> None:
    # warm-up (5) and the whole first measurement (60) are slow, the re-measure is not
    configure(server, {"/b": {"delay_ms": 2, "burst": 65, "burst_ms": 300}})
    result = _run(tmp_path, server, "  - {name: b, path: /b, budget: {p95_ms: 120}}\n")
    assert _rules(result) == ["perf.unconfirmed"]
    assert "over budget" in result.findings[0].message
    assert result.routes[0].p95_ms < 120


def test_errors_are_their_own_finding_and_all_errors_is_never_a_pass(
    server: str, tmp_path: Path
) -> None:
    configure(server, {"/e": {"delay_ms": 2, "fail_every": 10}, "/dead": {"status": 503}})
    routes = "  - {name: e, path: /e}\n  - {name: dead, path: /dead}\n"
    result = _run(tmp_path, server, routes)
    rules = _rules(result)
    # 10% of 60 failed, so 54 latency samples remain: noted as too few for a tight bound
    assert rules == ["perf.error-rate", "perf.few-samples", "perf.no-samples"]
    errors = next(f for f in result.findings if f.rule == "perf.error-rate")
    assert "threshold 2%" in errors.message
    assert result.routes[0].errors is not None
    assert result.routes[0].errors >= 6
    dead = next(f for f in result.findings if f.rule == "perf.no-samples")
    assert dead.severity is Severity.HIGH
    assert "all" in dead.message


def test_write_routes_only_when_safe_to_repeat(server: str, tmp_path: Path) -> None:
    configure(server, {"/w": {"delay_ms": 1}})
    routes = (
        "  - {name: book, path: /w, method: POST, kind: write}\n"
        "  - {name: ping, path: /w, method: PUT, kind: write, repeat_safe: true}\n"
    )
    result = _run(tmp_path, server, routes)
    assert [m.route for m in result.routes] == ["ping"]
    assert result.routes[0].budget_p95_ms == 900.0
    assert "not timed (not repeat_safe): book" in result.summary


def test_few_samples_are_noted(server: str, tmp_path: Path) -> None:
    configure(server, {"/f": {"delay_ms": 1}})
    result = _run(tmp_path, server, "  - {name: f, path: /f}\n", params={"samples": 20})
    assert _rules(result) == ["perf.few-samples"]
    assert result.routes[0].samples == 20
    assert result.routes[0].p95_high_ms is None


def test_ad_hoc_urls_and_caps(server: str, tmp_path: Path) -> None:
    configure(server, {"/u": {"delay_ms": 1}})
    result = _run(
        tmp_path,
        server,
        "  - {name: x, path: /u}\n",
        params={"urls": ["/u"], "base_url": server, "budget_p95": 250, "samples": 60},
        perf=", max_requests: 30",
    )
    # a path is named by the path: the same path on another base URL extends one history
    assert result.routes[0].route == "/u"
    assert result.routes[0].budget_p95_ms == 250
    assert result.routes[0].samples < 30
    note = next(f for f in result.findings if f.rule == "perf.few-samples")
    assert "sampling stopped early (request cap)" in note.message


def test_a_path_without_a_base_url_is_a_clear_error(tmp_path: Path) -> None:
    manifest = parse_manifest("version: 1\nroutes:\n  - {name: a, path: /a}\n", tmp_path / "m.yml")
    ctx = CheckContext(root=tmp_path, manifest=manifest, store=Store(tmp_path))
    with pytest.raises(CheckError, match="no base URL"):
        run_perf(ctx)


def test_a_p50_budget_is_judged_and_confirmed(server: str, tmp_path: Path) -> None:
    configure(server, {"/m": {"delay_ms": 20}})
    routes = "  - {name: m, path: /m, budget: {p95_ms: 1000, p50_ms: 5, severity: medium}}\n"
    result = _run(tmp_path, server, routes)
    assert [(f.rule, f.severity) for f in result.findings] == [
        ("perf.p50-over-budget", Severity.MEDIUM)
    ]
    metric = result.routes[0]
    assert metric.verdict == "p50 over budget"
    assert metric.budget_p50_ms == 5
    assert metric.p50_low_ms is not None and metric.p50_low_ms > 5
    assert not Store(tmp_path / "state").get(history.KEY)  # a failing run is no baseline


def test_the_baseline_follows_the_environment_not_its_url(server: str, tmp_path: Path) -> None:
    configure(server, {"/k": {"delay_ms": 5}, "/v2/k": {"delay_ms": 5}})
    routes = "  - {name: k, path: /k}\n"
    for _ in range(3):
        assert _rules(_run(tmp_path, server, routes)) == []
    # the same environment moved to a new base URL keeps comparing with its good runs
    moved = {"base_url": f"{server}/v2/", "environment": "production"}
    assert _run(tmp_path, server, routes, moved).routes[0].baseline_p95_ms is not None
    # a preview environment starts its own baseline; without a name, a new URL is "default"
    preview = {"base_url": f"{server}/v2/", "environment": "preview"}
    assert _run(tmp_path, server, routes, preview).routes[0].baseline_p95_ms is None
    unnamed = _run(tmp_path, server, routes, {"base_url": f"{server}/v2/"})
    assert unnamed.routes[0].baseline_p95_ms is None
    # given the production base URL without a name, it is production's history
    same = _run(tmp_path, server, routes, {"base_url": server})
    assert same.routes[0].baseline_p95_ms is not None
    stored = Store(tmp_path / "state").get(history.KEY)["routes"]["k"]
    assert sorted({r["environment"] for r in stored}) == ["default", "preview", "production"]
