"""The Markdown job summary (``$GITHUB_STEP_SUMMARY``): verdict, checks, findings, latency.

Finding text is untrusted. Every table cell is cleaned, cut to a cell limit, and has HTML and
Markdown punctuation replaced by numeric character references, so a finding can neither split a
table row nor add HTML, links, code spans or formatting. The summary stays under GitHub's 1 MiB
per-step limit: rows that do not fit are counted in "N more findings" lines instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from launchgate.findings import (
    INTRODUCED_IN_RANGE,
    CheckStatus,
    Finding,
    Report,
    RouteMetric,
    Severity,
    sort_findings,
    verdict,
)
from launchgate.report._common import clean, truncate

SUMMARY_LIMIT = 1024 * 1024  # GitHub rejects a step summary larger than this
DEFAULT_MAX_BYTES = 1_000_000  # leaves room for whatever else the step appends
CELL_LIMIT = 300
ROUTE_ROWS = 200
CHART_ROUTES = 20
_NOTE_RESERVE = 400  # bytes kept back for each "N more ..." line

# Characters that mean something to HTML or to GitHub's Markdown (tables, emphasis, code, links,
# strikethrough, math); as character references they render as themselves and do nothing else.
_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'|\\`*_[]~$!#"})

_STATUS = {
    CheckStatus.PASS: "✅ pass",
    CheckStatus.FAIL: "❌ fail",
    CheckStatus.ERROR: "⚠️ error",
    CheckStatus.SKIPPED: "⏭️ skipped",
}
_SEVERITY = {
    Severity.BLOCKER: "🛑 blocker",
    Severity.HIGH: "🔴 high",
    Severity.MEDIUM: "🟠 medium",
    Severity.LOW: "🟡 low",
    Severity.INFO: "🔵 info",
}
_HEAD = {"pass": "✅", "fail": "❌", "error": "⚠️", "skipped": "⏭️"}


def cell(text: object, limit: int = CELL_LIMIT) -> str:
    """Untrusted text made safe for one Markdown table cell (line breaks become ``<br>``)."""
    return truncate(clean(text), limit).translate(_ESCAPES).replace("\n", "<br>")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _duration(ms: int) -> str:
    return f"{ms} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def _head(report: Report) -> str:
    n_findings = len(report.findings)
    lines = [
        f"## {_HEAD[report.status]} launchgate: {cell(verdict(report))}",
        "",
        f"Fails at **{report.fail_on.value}** or worse · {_plural(len(report.checks), 'check')} · "
        f"{_plural(n_findings, 'finding')} · {len(report.suppressed)} suppressed · "
        f"launchgate {cell(report.tool_version)}",
        "",
        "### Checks",
        "",
        "| Check | Status | Duration | Findings | Summary |",
        "|---|---|---|---:|---|",
    ]
    for result in report.checks:
        status = report.check_status(result)
        duration = "—" if status is CheckStatus.SKIPPED else _duration(result.duration_ms)
        text = result.error if result.error is not None else result.summary
        lines.append(
            f"| {cell(result.check, 80)} | {_STATUS[status]} | {duration} | "
            f"{len(result.findings)} | {cell(text)} |"
        )
    return "\n".join(lines) + "\n"


SHORT_SHA = 7  # as GitHub shows commit ids


def _where(finding: Finding) -> str:
    loc = finding.location
    parts = []
    if loc.path:
        parts.append(f"{loc.path}:{loc.line}" if loc.line else loc.path)
    if loc.commit:
        parts.append(f"@ {loc.commit[:SHORT_SHA]}")
    parts += [x for x in (loc.route, loc.url, loc.domain) if x]
    return " ".join(parts) or "—"


_TABLE_HEAD = "\n| Severity | Rule | Where | Finding | Fix |\n|---|---|---|---|---|\n"


def _row(finding: Finding) -> str:
    title = cell(finding.title, 200)
    message = cell(finding.message)
    text = f"**{title}**<br>{message}" if message else f"**{title}**"
    return (
        f"| {_SEVERITY[finding.severity]} | {cell(finding.rule, 120)} | "
        f"{cell(_where(finding), 200)} | {text} | {cell(finding.remediation, 200) or '—'} |\n"
    )


def _groups(report: Report) -> list[tuple[str, list[Finding]]]:
    """One table of every finding, worst first across checks; after a commit range (a pull
    request), what its commits introduced apart from what was already there."""
    findings = sort_findings(report.findings)
    if not any(INTRODUCED_IN_RANGE in f.details for f in findings):
        return [("Findings", findings)]
    new = [f for f in findings if f.details.get(INTRODUCED_IN_RANGE)]
    old = [f for f in findings if not f.details.get(INTRODUCED_IN_RANGE)]
    return [
        ("Introduced by the new commits", new),
        ("Already there before them (or not tied to a commit)", old),
    ]


def _more(missing: int) -> str:
    return f"\n_{_plural(missing, 'more finding')} not shown here._\n"


def _findings(report: Report, budget: int) -> tuple[str, int]:
    """The finding tables within ``budget`` bytes, and how many rows did not fit.

    Rows are admitted worst first, so when the budget runs out the findings shown are the worst
    ones, whichever check they came from.
    """
    parts: list[str] = []
    omitted = 0
    used = 0
    for heading, findings in _groups(report):
        if not findings:
            continue
        head = f"\n### {heading} ({len(findings)})\n"
        shown: list[str] = []
        reserve = _size(head) + _size(_TABLE_HEAD) + _size(_more(len(findings)))
        for finding in findings:
            row = _row(finding)
            if used + reserve + _size(row) > budget:
                break
            shown.append(row)
            used += _size(row)
        missing = len(findings) - len(shown)
        if shown:
            parts += [head, _TABLE_HEAD, *shown]
            used += _size(head) + _size(_TABLE_HEAD)
        elif used + _size(head) <= budget:
            parts.append(head)
            used += _size(head)
        if missing:
            parts.append(_more(missing))
            used += _size(_more(missing))
        omitted += missing
    return "".join(parts), omitted


def _number(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:,.0f} ms"


def _bounded(value: float, low: float | None, high: float | None) -> str:
    """A percentile with its 95% bounds when it has them: ``120 ms (110 to 131)``."""
    text = _number(value)
    if low is None or not math.isfinite(value):
        return text
    top = "∞" if high is None else f"{high:,.0f}"
    return f"{text} ({low:,.0f} to {top})"


def _p95(route: RouteMetric) -> str:
    return _bounded(route.p95_ms, route.p95_low_ms, route.p95_high_ms)


def _p50(route: RouteMetric) -> str:
    return _bounded(route.p50_ms, route.p50_low_ms, route.p50_high_ms)


def _budget(route: RouteMetric) -> str:
    """The p95 budget, and the p50 budget first when the route declares one (both are judged)."""
    p95 = _number(route.budget_p95_ms) + (" (default)" if route.budget_default else "")
    if route.budget_p50_ms is None:
        return p95
    return f"p50 {_number(route.budget_p50_ms)}, p95 {p95}"


def _change(route: RouteMetric) -> str:
    base = route.baseline_p95_ms
    if base is None or not math.isfinite(base) or base <= 0 or not math.isfinite(route.p95_ms):
        return "—"
    return f"{(route.p95_ms - base) / base:+.0%}"


_VERDICT_MARK = {"ok": "✅ ok", "likely over budget": "🟠 likely over budget"}


def _verdict(route: RouteMetric) -> str:
    if route.verdict is None:
        over = route.budget_p95_ms is not None and route.p95_ms > route.budget_p95_ms
        return "⚠️ over budget" if over else "—"
    return _VERDICT_MARK.get(route.verdict, f"❌ {cell(route.verdict, 60)}")


def _chart_label(text: str, index: int) -> str:
    label = re.sub(r"[^A-Za-z0-9 /._-]", "_", clean(text))[:24].strip()
    return label or f"route {index + 1}"


def _series(values: Sequence[float | None]) -> list[float] | None:
    """A chart line only when every route has a value (a gap would draw as zero)."""
    kept = [v for v in values if v is not None and math.isfinite(v)]
    return kept if len(kept) == len(values) else None


def _chart(routes: Sequence[RouteMetric]) -> str:
    """A Mermaid bar chart of p95 per route, with budget and baseline p95 as lines when every
    charted route has one.

    Labels are reduced to a safe alphabet: they sit inside quotes inside a code fence.
    """
    charted = [r for r in routes if math.isfinite(r.p95_ms)][:CHART_ROUTES]
    if not charted:
        return ""
    budgets = _series([r.budget_p95_ms for r in charted])
    baselines = _series([r.baseline_p95_ms for r in charted])
    lines = [name for name, series in (("budget", budgets), ("baseline", baselines)) if series]
    values = [r.p95_ms for r in charted] + (budgets or []) + (baselines or [])
    top = max(1, math.ceil(max(values) * 1.1))
    labels = ", ".join(f'"{_chart_label(r.route, i)}"' for i, r in enumerate(charted))
    legend = f", lines = {' and '.join(lines)}" if lines else ""
    out = [
        "```mermaid",
        "xychart-beta",
        f'    title "p95 latency per route (ms){legend}"',
        f"    x-axis [{labels}]",
        f'    y-axis "ms" 0 --> {top}',
        f"    bar [{', '.join(str(round(r.p95_ms)) for r in charted)}]",
    ]
    for series in (budgets, baselines):
        if series:
            out.append(f"    line [{', '.join(str(round(v)) for v in series)}]")
    out.append("```")
    return "\n" + "\n".join(out) + "\n"


def _latency(routes: Sequence[RouteMetric]) -> str:
    if not routes:
        return ""
    lines = [
        "",
        "### Latency",
        "",
        "Total time per request: p95 (and p50 where a route budgets it) with its "
        "distribution-free 95% bounds.",
        "",
        "| Route | Samples | p50 | p95 (95% bounds) | Budget | Baseline (p95) | Change | Verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for route in routes[:ROUTE_ROWS]:
        lines.append(
            f"| {cell(route.route, 120)} | {route.samples} | {_p50(route)} | "
            f"{_p95(route)} | {_budget(route)} | {_number(route.baseline_p95_ms)} | "
            f"{_change(route)} | {_verdict(route)} |"
        )
    if len(routes) > ROUTE_ROWS:
        lines += ["", f"_{_plural(len(routes) - ROUTE_ROWS, 'more route')} not shown._"]
    return "\n".join(lines) + "\n" + _chart(routes)


def _suppressed(report: Report) -> str:
    n = len(report.suppressed)
    if not n:
        return ""
    return (
        f"\n_{_plural(n, 'finding')} suppressed by the manifest "
        "(rules, locations and reasons are in the JSON and SARIF reports)._\n"
    )


def _fit(text: str, max_bytes: int) -> str:
    """Last resort for pathological inputs (thousands of checks): cut at a line boundary."""
    if _size(text) <= max_bytes:
        return text
    note = "\n_Summary truncated to fit GitHub's size limit; see the JSON report._\n"
    cut = text.encode("utf-8")[: max(0, max_bytes - _size(note))].decode("utf-8", "ignore")
    return cut[: cut.rfind("\n") + 1] + note


# Sections after the findings, one per concern, in order; each returns "" when it has nothing.
TAIL_SECTIONS: tuple[Callable[[Report], str], ...] = (
    lambda report: _latency(report.routes),
    _suppressed,
)


def summary(report: Report, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The job summary as Markdown, never larger than ``max_bytes`` (UTF-8): the verdict and the
    checks (skipped ones with the reason), the findings with their fixes, then each tail section."""
    head = _head(report)
    tail = "".join(section(report) for section in TAIL_SECTIONS)
    budget = max_bytes - _size(head) - _size(tail) - _NOTE_RESERVE
    body, omitted = _findings(report, budget)
    note = ""
    if omitted:
        note = (
            f"\n**{_plural(omitted, 'more finding')} not shown** (the job summary is limited "
            "in size); every finding is in the JSON and SARIF reports.\n"
        )
    return _fit(head + body + note + tail, max_bytes)
