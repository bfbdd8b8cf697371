"""The Markdown job summary: content, escaping of untrusted text, and the 1 MiB limit."""

from __future__ import annotations

import dataclasses
import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from launchgate.findings import INTRODUCED_IN_RANGE, CheckResult, Finding, RouteMetric
from launchgate.report import github
from launchgate.report.github_summary import DEFAULT_MAX_BYTES, SUMMARY_LIMIT
from tests.report.conftest import (
    HOSTILE,
    hostile_text,
    make_finding,
    make_report,
    rich_report,
)


def _tables(markdown: str) -> list[list[str]]:
    """Each table as its lines (a table is a run of lines starting with ``|``)."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in markdown.split("\n"):
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _assert_tables_intact(markdown: str) -> None:
    """Every row has as many cell separators as its header: no cell text split a row."""
    for table in _tables(markdown):
        pipes = table[0].count("|")
        for row in table:
            assert row.count("|") == pipes, row


def test_verdict_checks_and_findings_worst_first() -> None:
    findings = [
        make_finding("secrets", "secrets.aws-key", "blocker", "AWS key", path="a.py", line=3),
        make_finding("secrets", "secrets.generic", "low", "Maybe a key", path="b.py", line=1),
        make_finding("secrets", "secrets.github-token", "high", "GitHub token", path="c.py"),
        make_finding("dns", "dns.spf", "medium", "SPF", domain="example.com"),
    ]
    report = make_report(
        findings,
        checks=["env", "secrets", "dns"],
        errors={"smoke": "connection refused"},
        skipped=["perf"],
        summaries={"env": "12 variables ok"},
        durations={"env": 40, "secrets": 2300},
    )
    md = github.summary(report)
    assert md.startswith("## ⚠️ launchgate: NO-GO: 1 launch blocker, 1 high, 1 medium, 1 low")
    checks = _tables(md)[0]
    assert checks[0] == "| Check | Status | Duration | Findings | Summary |"
    assert "| env | ✅ pass | 40 ms | 0 | 12 variables ok |" in checks
    assert "| secrets | ❌ fail | 2.3 s | 3 | secrets summary |" in checks
    assert "| dns | ✅ pass | 1.5 s | 1 | dns summary |" in checks
    assert "| smoke | ⚠️ error | 1.5 s | 0 | connection refused |" in checks
    assert "| perf | ⏭️ skipped | — | 0 | perf summary |" in checks
    # One table of every finding, worst first across checks, each row with its fix.
    table = md[md.index("### Findings (4)") :].split("\n\n")[1].split("\n")
    assert table[0] == "| Severity | Rule | Where | Finding | Fix |"
    assert [row.split(" | ")[1] for row in table[2:] if row] == [
        "secrets.aws-key",
        "secrets.github-token",
        "dns.spf",
        "secrets.generic",
    ]
    assert "| 🛑 blocker | secrets.aws-key | a.py:3 | **AWS key**<br>It is wrong:" in md
    assert "| 🟠 medium | dns.spf | example.com | **SPF**" in md
    assert md.count("### Findings") == 1
    _assert_tables_intact(md)


def test_pass_report() -> None:
    md = github.summary(make_report(checks=["env"]))
    assert md.startswith("## ✅ launchgate: GO: no findings\n")
    assert "### Findings" not in md and "suppressed by the manifest" not in md


def test_hostile_text_cannot_break_tables_or_add_html() -> None:
    findings = [
        make_finding(
            rule=f"secrets.r{i}",
            title=f"t{h}",
            message=f"m{h}",
            path=f"p{h}",
            line=1,
        )
        for i, h in enumerate(HOSTILE)
    ]
    md = github.summary(make_report(findings, summaries={"secrets": "|".join(HOSTILE)}))
    _assert_tables_intact(md)
    for table in _tables(md):
        for row in table:
            assert "<" not in row.replace("<br>", "")
            assert "`" not in row and "\\" not in row
            assert row.count("**") in (0, 2)  # only our own bold title
    assert "<script>" not in md
    assert "&#124; pipe &#124; &#60;script&#62;alert(1)&#60;/script&#62; &#96;code&#96;" in md


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(hostile_text, hostile_text, hostile_text), min_size=1, max_size=4))
def test_any_text_keeps_tables_intact(texts: list[tuple[str, str, str]]) -> None:
    findings = [
        make_finding(rule=f"r.{i}{rule}", title=title, message=message, route=rule)
        for i, (rule, title, message) in enumerate(texts)
    ]
    routes = [RouteMetric(route=t[0], samples=5, p50_ms=1.0, p95_ms=2.0) for t in texts]
    md = github.summary(make_report(findings, routes=routes, summaries={"secrets": texts[0][1]}))
    _assert_tables_intact(md)
    assert "<script" not in md.lower()
    md.encode("utf-8")  # no lone surrogates


def test_latency_table_and_chart() -> None:
    routes = [
        RouteMetric(
            "GET /",
            60,
            80.0,
            120.0,
            budget_p95_ms=300.0,
            baseline_p95_ms=100.0,
            p95_low_ms=110.0,
            p95_high_ms=131.0,
            verdict="ok",
        ),
        RouteMetric(
            "POST /api/bookings",
            50,
            400.0,
            950.4,
            budget_p95_ms=900.0,
            baseline_p95_ms=400.0,
            p95_low_ms=930.0,
            budget_default=True,
            verdict="over budget, regression",
        ),
    ]
    md = github.summary(make_report(routes=routes))
    assert "Total time per request: p95 (and p50 where a route budgets it)" in md
    assert "| GET / | 60 | 80 ms | 120 ms (110 to 131) | 300 ms | 100 ms | +20% | ✅ ok |" in md
    assert (
        "| POST /api/bookings | 50 | 400 ms | 950 ms (930 to ∞) | 900 ms (default) | 400 ms | "
        "+138% | ❌ over budget, regression |"
    ) in md
    chart = md[md.index("```mermaid") :]
    assert 'title "p95 latency per route (ms), lines = budget and baseline"' in chart
    assert 'x-axis ["GET /", "POST /api/bookings"]' in chart
    assert "bar [120, 950]" in chart
    assert "line [300, 900]\n    line [100, 400]\n```" in chart
    assert 'y-axis "ms" 0 --> 1046' in chart


def test_a_declared_p50_budget_is_shown_beside_the_p95_one_with_the_p50_bounds() -> None:
    route = RouteMetric(
        "GET /search",
        60,
        210.4,
        480.0,
        budget_p95_ms=500.0,
        budget_p50_ms=200.0,
        p50_low_ms=201.0,
        p50_high_ms=219.6,
        verdict="p50 over budget",
    )
    md = github.summary(make_report(routes=[route]))
    assert (
        "| GET /search | 60 | 210 ms (201 to 220) | 480 ms | p50 200 ms, p95 500 ms | — | — | "
        "❌ p50 over budget |"
    ) in md


def test_chart_draws_only_complete_lines() -> None:
    routes = [
        RouteMetric("a", 60, 1.0, 2.0, baseline_p95_ms=1.5, verdict="likely over budget"),
        RouteMetric("b", 60, 1.0, 2.0, budget_p95_ms=3.0, baseline_p95_ms=2.5),
    ]
    md = github.summary(make_report(routes=routes))
    chart = md[md.index("```mermaid") :]
    assert "lines = baseline" in chart
    assert chart.count("line [") == 1
    assert "line [2, 2]" in chart  # rounded baselines 1.5 and 2.5 (banker's rounding)
    assert "| 🟠 likely over budget |" in md


def test_chart_without_budgets_has_no_line_and_safe_labels() -> None:
    routes = [
        RouteMetric('GET /"]\n```\n<b>', 5, 1.0, 2.0),
        RouteMetric("GET /x", 5, 1.0, float("nan")),
    ]
    md = github.summary(make_report(routes=routes))
    chart = md[md.index("```mermaid") :]
    assert "line [" not in chart
    labels = re.search(r"x-axis \[(.*)\]", chart)
    assert labels is not None and labels.group(1) == '"GET /________b_"'
    assert chart.count("```") == 2
    assert "| GET /x | 5 | 1 ms | — | — | — | — |" in md


def test_suppressed_count() -> None:
    sup = [(make_finding(rule=f"r.{i}"), "accepted risk") for i in range(3)]
    md = github.summary(make_report(checks=["secrets"], suppressed=sup))
    assert "_3 findings suppressed by the manifest" in md


def _many(n: int) -> list[Finding]:
    return [
        make_finding(
            "secrets" if i % 2 else "env",
            rule=f"secrets.rule-{i % 50}",
            severity=("blocker", "high", "medium", "low", "info")[i % 5],
            title="Title " + "x" * 100,
            message="message " * 40,
            path=f"src/module_{i}.py",
            line=i + 1,
            fingerprint=f"{i:032x}",
        )
        for i in range(n)
    ]


def test_hundred_thousand_findings_stay_under_one_mebibyte() -> None:
    report = make_report(_many(100_000), routes=[RouteMetric("GET /", 5, 1.0, 2.0, 3.0)])
    started = time.perf_counter()
    md = github.summary(report)
    elapsed = time.perf_counter() - started
    size = len(md.encode("utf-8"))
    assert size <= DEFAULT_MAX_BYTES < SUMMARY_LIMIT
    assert size > 0.9 * DEFAULT_MAX_BYTES  # the budget is used, not wasted
    rows = sum(1 for line in md.split("\n") if line.startswith("| ") and "src/module&#95;" in line)
    count = re.search(r"\*\*([\d,]+) more findings not shown\*\*", md)
    assert count is not None
    omitted = int(count.group(1))
    assert rows + omitted == 100_000
    per_table = [int(n) for n in re.findall(r"_(\d+) more findings? not shown here", md)]
    assert sum(per_table) == omitted
    # What must always be there is there: verdict, checks, latency.
    assert md.startswith("## ❌ launchgate: NO-GO: 20000 launch blockers")
    assert "### Latency" in md and "```mermaid" in md
    _assert_tables_intact(md)
    # Linear, not quadratic (which would take hours): a bound no loaded CI machine comes near.
    # How fast it is belongs to a benchmark, not to a clock in a test.
    assert elapsed < 60


def test_small_budget_is_honoured() -> None:
    md = github.summary(make_report(_many(200)), max_bytes=8_000)
    assert len(md.encode("utf-8")) <= 8_000
    assert "more findings not shown" in md
    _assert_tables_intact(md)


def test_pathological_head_is_cut_at_a_line() -> None:
    report = make_report(checks=[f"check{i}" for i in range(500)])
    md = github.summary(report, max_bytes=4_000)
    assert len(md.encode("utf-8")) <= 4_000
    assert md.endswith("_Summary truncated to fit GitHub's size limit; see the JSON report._\n")


def test_the_worst_findings_are_the_ones_shown() -> None:
    lows = [make_finding("env", f"env.r{i}", "low", "Minor " * 20) for i in range(100)]
    blocker = make_finding("secrets", "secrets.aws-key", "blocker", "AWS key")
    md = github.summary(make_report([*lows, blocker], checks=["env", "secrets"]), max_bytes=5_000)
    assert "| 🛑 blocker | secrets.aws-key |" in md
    assert "### Findings (101)" in md


def test_the_whole_summary_is_pinned() -> None:
    """Verdict, checks table (a skipped row too), one findings table, latency and chart, exactly."""
    rich = rich_report()
    skipped = CheckResult("smoke", summary="not in this version", skipped=True)
    report = dataclasses.replace(rich, checks=(*rich.checks, skipped))
    assert github.summary(report).split("\n") == [
        "## ⚠️ launchgate: NO-GO: 1 launch blocker, 1 low, 1 check errored",
        "",
        "Fails at **high** or worse · 5 checks · 2 findings · 1 suppressed · launchgate 1.2.3",
        "",
        "### Checks",
        "",
        "| Check | Status | Duration | Findings | Summary |",
        "|---|---|---|---:|---|",
        "| dns | ⚠️ error | 5.0 s | 0 | resolver timed out |",
        "| secrets | ❌ fail | 12 ms | 1 | scanned 3 files |",
        "| env | ✅ pass | 3 ms | 1 |  |",
        "| perf | ✅ pass | 7 ms | 0 | 2 routes |",
        "| smoke | ⏭️ skipped | — | 0 | not in this version |",
        "",
        "### Findings (2)",
        "",
        "| Severity | Rule | Where | Finding | Fix |",
        "|---|---|---|---|---|",
        "| 🛑 blocker | secrets.aws | a.py:3 | **AWS key**<br>ghp&#95;…xY12 in a.py | Rotate it. |",
        "| 🟡 low | env.missing | — | **Missing X**<br>Missing X | Fix it. |",
        "",
        "### Latency",
        "",
        "Total time per request: p95 (and p50 where a route budgets it) with its "
        "distribution-free 95% bounds.",
        "",
        "| Route | Samples | p50 | p95 (95% bounds) | Budget | Baseline (p95) | Change | Verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        "| home | 20 | 12 ms | 81 ms | 300 ms | — | — | — |",
        "| api | 20 | 1 ms | 2 ms | — | 2 ms | +25% | — |",
        "",
        "```mermaid",
        "xychart-beta",
        '    title "p95 latency per route (ms)"',
        '    x-axis ["home", "api"]',
        '    y-axis "ms" 0 --> 89',
        "    bar [81, 2]",
        "```",
        "",
        "_1 finding suppressed by the manifest (rules, locations and reasons are in the JSON and "
        "SARIF reports)._",
        "",
    ]


def test_each_row_has_its_fix_and_a_short_commit_id() -> None:
    sha = "1af939c47f3c0d9e8b7a6f5e4d3c2b1a09f8e7d6"
    finding = make_finding("secrets", "secrets.github-token", "high", "Token", path="a.py", line=2)
    finding = dataclasses.replace(
        finding,
        remediation="Rotate the token",
        location=dataclasses.replace(finding.location, commit=sha),
    )
    md = github.summary(make_report([finding]))
    (row,) = [line for line in md.split("\n") if line.startswith("| 🔴 high")]
    assert "| a.py:2 @ 1af939c |" in row and sha[:8] not in row
    assert row.endswith("| Rotate the token |")


def test_after_a_commit_range_new_findings_are_apart_from_old_ones() -> None:
    new = make_finding("secrets", "secrets.github-token", "high", "New token", path="n.py")
    old = make_finding("secrets", "secrets.aws-key", "blocker", "Old key", path="o.py")
    env = make_finding("env", "env.placeholder", "medium", "Placeholder", path=".env")
    marked = [
        dataclasses.replace(new, details={INTRODUCED_IN_RANGE: True}),
        dataclasses.replace(old, details={INTRODUCED_IN_RANGE: False}),
        env,
    ]
    md = github.summary(make_report(marked, checks=["env", "secrets"]))
    introduced = md.index("### Introduced by the new commits (1)")
    already = md.index("### Already there before them (or not tied to a commit) (2)")
    assert introduced < md.index("New token") < already < md.index("Old key")
    assert already < md.index("Placeholder")
    _assert_tables_intact(md)


def test_a_skipped_check_is_a_row_that_says_why() -> None:
    report = make_report(checks=["env"], skipped=["dns"], summaries={"dns": "not configured"})
    assert "| dns | ⏭️ skipped | — | 0 | not configured |" in github.summary(report)
