"""Promises of the job summary that a one-word change would break (pinned by mutation testing).

The byte budget: rows are admitted while they fit and never past it, across both tables of a
pull request. Cells are cut at their limits. Latency rows say exactly what was measured.
"""

from __future__ import annotations

import re

import pytest

from launchgate.findings import INTRODUCED_IN_RANGE, Finding, RouteMetric
from launchgate.report import github_summary as gs
from launchgate.report._common import ELLIPSIS
from tests.report.conftest import make_finding, make_report


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _findings(n: int, *, new: bool | None = None, prefix: str = "f") -> list[Finding]:
    details = {} if new is None else {INTRODUCED_IN_RANGE: new}
    made = []
    for i in range(n):
        f = make_finding("env", f"env.{prefix}{i}", "high", f"Finding {prefix}{i}", path=f"a{i}.py")
        made.append(Finding(**{**f.__dict__, "details": details}))
    return made


def _exact_budget(findings: list[Finding], heading: str, shown: int) -> int:
    """The smallest budget that admits ``shown`` rows of one table (its head, the table head and
    the room kept for a "more findings" line included)."""
    head = f"\n### {heading} ({len(findings)})\n"
    reserve = _size(head) + _size(gs._TABLE_HEAD) + _size(gs._more(len(findings)))
    return reserve + sum(_size(gs._row(f)) for f in findings[:shown])


def test_a_row_is_shown_exactly_when_it_fits_the_budget() -> None:
    findings = _findings(6)
    report = make_report(findings)
    for shown in (1, 3, 6):
        budget = _exact_budget(findings, "Findings", shown)
        text, omitted = gs._findings(report, budget)
        rows = [gs._row(f) for f in findings[:shown]]
        more = gs._more(6 - shown) if shown < 6 else ""
        assert text == "\n### Findings (6)\n" + gs._TABLE_HEAD + "".join(rows) + more
        assert omitted == 6 - shown
        assert _size(text) <= budget
        _, one_less = gs._findings(report, budget - 1)
        assert one_less == 6 - shown + 1


def test_the_budget_left_by_the_first_table_is_what_the_second_may_use() -> None:
    new, old = _findings(2, new=True, prefix="n"), _findings(4, new=False, prefix="o")
    report = make_report([*new, *old])
    first = "Introduced by the new commits"
    second = "Already there before them (or not tied to a commit)"
    used_by_first = _size(f"\n### {first} (2)\n") + _size(gs._TABLE_HEAD)
    used_by_first += sum(_size(gs._row(f)) for f in new)
    budget = used_by_first + _exact_budget(old, second, 3)
    text, omitted = gs._findings(report, budget)
    assert omitted == 1
    assert text.count("\n| ") == 2 + 3 + 2  # rows of both tables, and their header rows
    assert text.endswith(gs._more(1))
    assert _size(text) <= budget
    assert gs._findings(report, budget - 1)[1] == 2


def test_a_table_too_big_for_its_rows_keeps_its_heading_when_that_fits() -> None:
    findings = _findings(3)
    report = make_report(findings)
    head = "\n### Findings (3)\n"
    text, omitted = gs._findings(report, _size(head))
    assert (text, omitted) == (head + gs._more(3), 3)
    text, omitted = gs._findings(report, _size(head) - 1)
    assert (text, omitted) == (gs._more(3), 3)


def test_what_two_tables_leave_out_is_added_up() -> None:
    report = make_report([*_findings(3, new=True, prefix="n"), *_findings(4, new=False)])
    text, omitted = gs._findings(report, 0)
    assert omitted == 7
    assert text == gs._more(3) + gs._more(4)
    md = gs.summary(make_report([*_findings(3, new=True, prefix="n"), *_findings(4, new=False)]))
    assert "### Introduced by the new commits (3)" in md


def test_an_empty_first_table_does_not_hide_the_second() -> None:
    report = make_report(_findings(2, new=False))
    text, omitted = gs._findings(report, 100_000)
    assert omitted == 0
    assert "### Already there before them (or not tied to a commit) (2)" in text
    assert "Introduced by the new commits" not in text


@pytest.mark.parametrize(
    ("ms", "shown"),
    [(999, "999 ms"), (1000, "1.0 s"), (1500, "1.5 s"), (100_000, "100.0 s")],
)
def test_durations_switch_to_seconds_at_one_second(ms: int, shown: str) -> None:
    assert gs._duration(ms) == shown


def test_each_cell_is_cut_at_its_own_limit() -> None:
    long = "x" * 400
    finding = make_finding("env", long, "high", long, "", remediation=long, path=long, line=None)
    row = gs._row(finding)
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    assert cells[1] == "x" * 119 + ELLIPSIS  # rule: 120
    assert cells[2] == "x" * 199 + ELLIPSIS  # where: 200
    assert cells[3] == f"**{'x' * 199}{ELLIPSIS}**"  # title: 200, no message, no line break
    assert cells[4] == "x" * 199 + ELLIPSIS  # fix: 200
    assert gs._row(make_finding(remediation="")).rstrip().endswith("| — |")
    head = gs._head(make_report(checks=["c" * 100]))
    assert f"| {'c' * 79}{ELLIPSIS} |" in head
    assert gs.cell("a\nb") == "a<br>b"


def test_a_location_without_a_line_is_its_path_alone() -> None:
    assert gs._where(make_finding(path="app.py")) == "app.py"
    assert gs._where(make_finding(path="app.py", line=7)) == "app.py:7"


def _route(**fields: object) -> RouteMetric:
    base: dict[str, object] = {"route": "GET /", "samples": 60, "p50_ms": 40.0, "p95_ms": 100.0}
    return RouteMetric(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("baseline", "p95", "shown"),
    [
        (None, 100.0, "—"),
        (0.0, 100.0, "—"),
        (-5.0, 100.0, "—"),
        (float("inf"), 100.0, "—"),
        (80.0, float("nan"), "—"),
        (0.5, 1.0, "+100%"),
        (1.0, 1.5, "+50%"),
        (80.0, 100.0, "+25%"),
    ],
)
def test_change_against_the_baseline_only_when_both_are_real(
    baseline: float | None, p95: float, shown: str
) -> None:
    assert gs._change(_route(baseline_p95_ms=baseline, p95_ms=p95)) == shown


def test_without_a_verdict_only_a_p95_above_the_budget_is_over() -> None:
    assert gs._verdict(_route(budget_p95_ms=100.0, p95_ms=100.0)) == "—"
    assert gs._verdict(_route(budget_p95_ms=100.0, p95_ms=100.5)) == "⚠️ over budget"
    assert gs._verdict(_route(budget_p95_ms=None, p95_ms=1e9)) == "—"
    unknown = gs._verdict(_route(verdict="v" * 80))
    assert unknown == f"❌ {'v' * 59}{ELLIPSIS}"


def test_two_hundred_routes_fit_the_table_and_the_next_is_counted() -> None:
    routes = [_route(route=f"GET /r{i}") for i in range(gs.ROUTE_ROWS)]
    assert "more route" not in gs._latency(routes)
    text = gs._latency([*routes, _route(route="GET /extra")])
    assert "| GET /r199 |" in text
    assert "GET /extra" not in text.split("```mermaid")[0]
    assert "\n\n_1 more route not shown._\n" in text
    assert text.startswith("\n### Latency\n")
    long = gs._latency([_route(route="r" * 150)])
    assert f"| {'r' * 119}{ELLIPSIS} |" in long


def test_the_chart_needs_a_measured_route_and_never_a_zero_axis() -> None:
    assert gs._chart([_route(p95_ms=float("nan"))]) == ""
    assert gs._latency([_route(p95_ms=float("nan"))]).endswith("|\n")
    tiny = gs._chart([_route(p95_ms=0.4)])
    assert 'y-axis "ms" 0 --> 1\n' in tiny


def test_chart_labels_are_cut_at_24_characters_and_never_empty() -> None:
    assert gs._chart_label("a" * 30, 0) == "a" * 24
    assert gs._chart_label("   ", 1) == "route 2"
    assert gs._chart_label("", 0) == "route 1"
    chart = gs._chart([_route(route=""), _route(route="GET /b")])
    assert re.search(r'x-axis \["route 1", "GET /b"\]', chart)


def test_what_a_heading_alone_and_its_count_use_is_charged_to_the_next_table() -> None:
    big = [
        Finding(**{**f.__dict__, "message": "x" * 3000, "details": {INTRODUCED_IN_RANGE: True}})
        for f in _findings(2, prefix="n")
    ]
    old = _findings(1, new=False, prefix="o")
    report = make_report([*big, *old])
    first = f"\n### Introduced by the new commits ({len(big)})\n"
    used_by_first = _size(first) + _size(gs._more(2))
    budget = used_by_first + _exact_budget(
        old, "Already there before them (or not tied to a commit)", 1
    )
    text, omitted = gs._findings(report, budget - 1)
    assert omitted == 3 and text.startswith(first + gs._more(2))
    text, omitted = gs._findings(report, budget)
    assert omitted == 2 and text.count("\n| ") == 2  # the old table: its header row and one row


def test_a_summary_too_big_for_the_limit_is_cut_after_its_last_whole_line() -> None:
    note = "\n_Summary truncated to fit GitHub's size limit; see the JSON report._\n"
    lines = "".join(f"é line {i}\n" for i in range(50))
    assert gs._fit(lines, _size(lines)) == lines
    for limit in range(200, 212):  # some of these cut inside a two-byte "é"
        cut = gs._fit(lines, limit)
        assert _size(cut) <= limit and cut.endswith(note)
        kept = cut.removesuffix(note)
        assert kept.endswith("\n") and lines.startswith(kept) and kept.count("\n") > 1
    assert gs._fit("\n" + lines, 10) == note  # nothing whole fits: the note alone


def test_the_count_of_findings_left_out_says_where_they_all_are() -> None:
    md = gs.summary(make_report(_findings(300)), max_bytes=8_000)
    assert re.search(
        r"\n\*\*\d+ more findings not shown\*\* \(the job summary is limited in size\); "
        r"every finding is in the JSON and SARIF reports\.\n",
        md,
    )
