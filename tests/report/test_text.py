"""Text reporter: grouping, worst first, verdict wording, colour rules, hostile text."""

from __future__ import annotations

from pathlib import Path

from launchgate.findings import CheckResult, RouteMetric, Severity
from launchgate.manifest import parse_manifest
from launchgate.report import text
from launchgate.runner import build_report
from tests.fixtures.stubcheck import finding
from tests.report.conftest import rich_report


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
    full = RouteMetric(
        route="home",
        samples=60,
        p50_ms=80.4,
        p95_ms=240.2,
        budget_p95_ms=500,
        baseline_p95_ms=200.0,
        p95_low_ms=230.0,
        budget_default=True,
        verdict="likely over budget",
    )
    lines = text.latency_table([full])
    assert lines[0] == "latency, total time per request (ms)"
    assert lines[2].split() == [
        "home", "60", "80", "240", "[230-inf]", "500", "(default)", "200", "+20%",
        "likely", "over", "budget",
    ]  # fmt: skip
    both = RouteMetric("api", 60, 210.0, 480.0, budget_p95_ms=500, budget_p50_ms=200)
    assert text.latency_table([both])[2].split() == [
        "api", "60", "210", "480", "p50", "200,", "p95", "500", "-", "-", "-",
    ]  # fmt: skip


def test_the_whole_report_layout_is_pinned_line_by_line() -> None:
    assert text.render(rich_report(), verbose=True).splitlines() == [
        "dns [ERROR] (5000 ms)",
        "  error: resolver timed out",
        "",
        "secrets [FAIL] (12 ms) — scanned 3 files",
        "  BLOCKER secrets.aws  AWS key",
        "          at a.py:3",
        "          ghp_…xY12 in a.py",
        "          fix: Rotate it.",
        "          fingerprint: " + "f" * 32,
        "",
        "env [PASS] (3 ms)",
        "  LOW     env.missing  Missing X",  # the message equals the title: shown once
        "          fix: Fix it.",
        "          fingerprint: " + "e" * 32,
        "",
        "perf [PASS] (7 ms) — 2 routes",
        "",
        "latency, total time per request (ms)",
        "  route samples    p50     p95 [95% bounds]          budget baseline  change  verdict",
        "  home       20     12                   81             300        -       -  -",
        "  api        20      1                    2               -        2    +25%  -",
        "",
        "1 finding(s) suppressed by the manifest.",
        "  env.extra tests/x.py:1: test data [2K",
        "",
        "NO-GO: 1 launch blocker, 1 low, 1 check errored",
    ]


def test_colours_mark_status_severity_and_verdict_and_verbose_adds_nothing_else() -> None:
    out = text.render(rich_report(), color=True)
    assert out.splitlines()[0] == "dns [\x1b[1;35mERROR\x1b[0m] (5000 ms)"
    assert "secrets [\x1b[1;31mFAIL\x1b[0m] (12 ms) — scanned 3 files" in out
    assert "  \x1b[1;41;97mBLOCKER\x1b[0m secrets.aws  AWS key" in out
    assert "  \x1b[36mLOW    \x1b[0m env.missing  Missing X" in out
    assert "env [\x1b[32mPASS\x1b[0m] (3 ms)" in out
    assert "fingerprint" not in out and "test data" not in out
    assert out.endswith(
        "1 finding(s) suppressed by the manifest.\n\n"
        "\x1b[1;31mNO-GO: 1 launch blocker, 1 low, 1 check errored\x1b[0m\n"
    )
    passing = text.render(
        report_of(CheckResult(check="env"), CheckResult("x", skipped=True)), color=True
    )
    assert passing == (
        "env [\x1b[32mPASS\x1b[0m] (0 ms)\n\nx [\x1b[2mSKIPPED\x1b[0m] (0 ms)\n\n"
        "\x1b[1;32mGO: no findings\x1b[0m\n"
    )


def test_a_run_that_checked_nothing_says_how_to_configure_a_check() -> None:
    assert text.render(report_of()) == (
        "No check ran; configure one in launchready.yml (see `launchgate init`).\n\n"
        "SKIPPED: nothing was checked\n"
    )


def test_a_gate_that_checked_nothing_ends_in_yellow_not_green_or_red() -> None:
    out = text.render(report_of(CheckResult("smoke", skipped=True)), color=True)
    assert out.splitlines()[-1].startswith("\x1b[1;33mSKIPPED: nothing was checked")


def test_the_upper_bound_of_p95_is_shown_when_there_is_one() -> None:
    metric = RouteMetric("home", 60, 80, 240, p95_low_ms=230.0, p95_high_ms=251.0)
    assert "240 [230-251]" in text.latency_table([metric])[2]


def test_a_long_route_name_is_cut_to_forty_columns_with_an_ellipsis() -> None:
    name = "GET /" + "a" * 60
    lines = text.latency_table([RouteMetric(name, 60, 80, 240)])
    assert lines[2].split()[0:2] == ["GET", "/" + "a" * 34 + "…"]  # 39 characters and "…"
    assert lines[1].index("samples") == 2 + 40 + 1  # the route column is 40 wide
