"""Text reporter: grouping, worst first, verdict wording, colour rules, hostile text."""

from __future__ import annotations

from pathlib import Path

from launchgate.findings import CheckResult, RouteMetric, Severity
from launchgate.manifest import parse_manifest
from launchgate.report import text
from launchgate.runner import build_report
from tests.fixtures.stubcheck import finding


def report_of(*results: CheckResult, fail_on: Severity = Severity.HIGH):
    manifest = parse_manifest("version: 1\n", Path("launchready.yml"))
    return build_report(manifest, list(results), fail_on)


def test_grouped_by_check_worst_first_with_verdict() -> None:
    env = CheckResult(
        check="env",
        findings=(
            finding("low", rule="env.a"),
            finding("blocker", rule="env.b"),
            finding("high", rule="env.c"),
        ),
    )
    sec = CheckResult(check="secrets", findings=(finding("blocker", rule="secrets.x", line=9),))
    out = text.render(report_of(env, sec))
    lines = out.splitlines()
    assert lines[0].startswith("env [FAIL]")
    rules = [
        line.split()[1] for line in lines if line.startswith("  ") and not line.startswith("   ")
    ]
    assert rules == ["env.b", "env.c", "env.a", "secrets.x"]
    assert lines[-1] == "NO-GO: 2 launch blockers, 1 high, 1 low"
    assert "\x1b[" not in out


def test_go_verdict_and_errored_check() -> None:
    assert text.render(report_of(CheckResult(check="env"))).splitlines()[-1] == "GO: no findings"
    errored = text.render(report_of(CheckResult(check="dns", error="no resolver answered")))
    assert "dns [ERROR]" in errored
    assert "error: no resolver answered" in errored
    assert errored.splitlines()[-1] == "NO-GO: 1 check errored"


def test_colour_only_when_asked() -> None:
    rep = report_of(CheckResult(check="env", findings=(finding("high"),)))
    assert "\x1b[" in text.render(rep, color=True)
    assert "\x1b[" not in text.render(rep, color=False)


def test_control_characters_cannot_reach_the_terminal() -> None:
    hostile = finding("high", title="a\x1b[2Jb\rc", message="x\ny\x07")
    out = text.render(report_of(CheckResult(check="env", findings=(hostile,))))
    assert "\x1b" not in out
    assert "\r" not in out
    assert "\x07" not in out
    assert "a [2Jb c" in out


def test_latency_table() -> None:
    metric = RouteMetric(route="GET /login", samples=50, p50_ms=80, p95_ms=240, budget_p95_ms=300)
    out = text.render(report_of(CheckResult(check="perf", routes=(metric,))))
    assert "GET /login" in out
    assert "240" in out
    assert "300" in out
