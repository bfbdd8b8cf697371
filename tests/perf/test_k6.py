"""k6 summaries (--summary-export and handleSummary) judged like launchgate's own samples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from launchgate.checkapi import CheckContext, CheckError
from launchgate.findings import Severity
from launchgate.manifest import parse_manifest
from launchgate.perf import k6
from launchgate.perf.check import run_perf
from launchgate.store import Store

TREND = {"avg": 130.2, "min": 80.1, "med": 120.5, "max": 900.0, "p(90)": 210.0, "p(95)": 260.0}

# k6 run --summary-export: statistics directly on each metric
EXPORT = {
    "metrics": {
        "http_req_duration": dict(TREND),
        "http_req_duration{expected_response:true}": dict(TREND),
        "http_req_duration{name:home}": {**TREND, "p(95)": 700.0, "p(90)": 650.0},
        "http_req_failed": {"passes": 3, "fails": 997, "value": 0.003},
        "http_reqs": {"count": 1000, "rate": 33.3},
    },
    "root_group": {"name": "", "path": "", "groups": {}, "checks": {}},
}

# handleSummary's data object: statistics under "values", with the metric type
HANDLE_SUMMARY = {
    "metrics": {
        "http_req_duration": {
            "type": "trend",
            "contains": "time",
            "values": {**TREND, "count": 400},
        },
        "http_req_failed": {"type": "rate", "values": {"rate": 0.05, "passes": 20, "fails": 380}},
        "http_reqs": {"type": "counter", "values": {"count": 400, "rate": 13.3}},
    },
    "options": {"summaryTrendStats": ["avg", "min", "med", "max", "p(90)", "p(95)", "count"]},
}


def test_summary_export_routes() -> None:
    summary = k6.parse_summary(EXPORT)
    assert [r.route for r in summary.routes] == ["k6", "home"]
    whole, home = summary.routes
    assert (whole.count, whole.p50, whole.p90, whole.p95, whole.max) == (
        1000,
        120.5,
        210.0,
        260.0,
        900.0,
    )
    assert home.count is None  # k6 counts requests per run, not per sub-metric
    assert (summary.requests, summary.failed) == (1000, 3)


def test_handle_summary_shape() -> None:
    summary = k6.parse_summary(HANDLE_SUMMARY)
    (whole,) = summary.routes
    assert whole.count == 400
    assert whole.p95 == 260.0
    assert (summary.requests, summary.failed) == (400, 20)


def test_lower_bound_from_p90_only_when_the_count_allows() -> None:
    route = k6.parse_summary(HANDLE_SUMMARY).routes[0]
    assert route.p95_lower_bound() == 210.0
    small = k6.K6Route("x", 60, 1.0, 2.0, 3.0, None, None)
    assert small.p95_lower_bound() is None  # at 60 samples the bound sits below p90
    assert k6.K6Route("x", None, 1.0, 2.0, 3.0, None, None).p95_lower_bound() is None
    assert k6.K6Route("x", 100, 1.0, 2.0, 3.0, None, None).p95_lower_bound() == 2.0


@pytest.mark.parametrize(
    ("metric", "message"),
    [
        ({"type": "trend", "values": {**TREND, "count": 0}}, "has no samples"),
        ({"type": "trend", "values": {}}, "has no samples"),
        (
            {"avg": 0, "min": 0, "med": 0, "max": 0, "p(90)": 0, "p(95)": 0},
            "every statistic is zero",
        ),
        (
            {"type": "trend", "values": {"avg": 1.0, "max": 2.0, "med": 1.0}},
            "lacks med or p\\(95\\)",
        ),
        ("nonsense", "expected an object"),
    ],
)
def test_an_empty_or_broken_metric_is_an_error_never_a_pass(metric: Any, message: str) -> None:
    with pytest.raises(k6.K6Error, match=message):
        k6.parse_summary({"metrics": {"http_req_duration{name:checkout}": metric}})


def test_not_a_summary() -> None:
    with pytest.raises(k6.K6Error, match="no 'metrics'"):
        k6.parse_summary([1, 2])
    with pytest.raises(k6.K6Error, match="made no HTTP requests"):
        k6.parse_summary({"metrics": {"vus": {"value": 1}}})


def test_files(tmp_path: Path) -> None:
    good = tmp_path / "summary.json"
    good.write_text(json.dumps(EXPORT))
    assert len(k6.load_summary(good).routes) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(k6.K6Error, match=r"bad\.json: not JSON"):
        k6.load_summary(bad)
    with pytest.raises(k6.K6Error, match=r"missing\.json: cannot read"):
        k6.load_summary(tmp_path / "missing.json")


def _ctx(tmp_path: Path, summary: dict[str, Any]) -> CheckContext:
    path = tmp_path / "k6.json"
    path.write_text(json.dumps(summary))
    manifest = parse_manifest(
        "version: 1\nroutes:\n"
        "  - {name: home, path: /, budget: {p95_ms: 300, severity: blocker}}\n",
        tmp_path / "launchready.yml",
    )
    return CheckContext(
        root=tmp_path,
        manifest=manifest,
        store=Store(tmp_path / "state"),
        params={"k6_file": str(path)},
    )


def test_k6_routes_meet_manifest_budgets_and_baselines(tmp_path: Path) -> None:
    result = run_perf(_ctx(tmp_path, EXPORT))
    by_route = {m.route: m for m in result.routes}
    assert by_route["home"].budget_p95_ms == 300
    assert by_route["k6"].budget_default is True
    finding, note = result.findings
    assert finding.rule == "perf.likely-over-budget"  # no count for the sub-metric: no bound
    assert finding.severity is Severity.HIGH  # one below blocker
    assert note.rule == "perf.few-samples"
    assert "add count to summaryTrendStats" in note.message
    # whole-run error rate from http_req_failed: 20 of 400 = 5% > 2%
    handled = run_perf(_ctx(tmp_path, HANDLE_SUMMARY))
    assert [f.rule for f in handled.findings] == ["perf.error-rate"]


def test_k6_regressions_against_earlier_k6_runs(tmp_path: Path) -> None:
    for _ in range(3):
        assert run_perf(_ctx(tmp_path, HANDLE_SUMMARY)).routes[0].verdict == "errors"
    ok = json.loads(json.dumps(HANDLE_SUMMARY))
    ok["metrics"]["http_req_failed"]["values"].update(passes=0, fails=400)
    for _ in range(3):
        assert run_perf(_ctx(tmp_path, ok)).findings == ()
    slow = json.loads(json.dumps(ok))
    slow["metrics"]["http_req_duration"]["values"].update({"p(95)": 420.0, "p(90)": 300.0})
    result = run_perf(_ctx(tmp_path, slow))
    assert [f.rule for f in result.findings] == ["perf.regression"]
    assert result.routes[0].baseline_p95_ms == 260.0


def test_k6_file_problems_are_check_errors(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="has no samples"):
        run_perf(
            _ctx(tmp_path, {"metrics": {"http_req_duration": {"type": "trend", "values": {}}}})
        )
